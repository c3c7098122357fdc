"""Template filters that mask personal data by default (DESIGN rule 6)."""
from django import template

from bianmin.core.masking import mask_id_number, mask_name, mask_phone

register = template.Library()
register.filter("mask_phone", mask_phone)
register.filter("mask_id", mask_id_number)
register.filter("mask_name", mask_name)
