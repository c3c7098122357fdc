"""Read queries: the public look-ups of the booking pages and API, and the staff lists, always scoped."""
from __future__ import annotations

import datetime as dt

from bianmin.catalog.models import Item
from bianmin.core.errors import InvalidInput
from bianmin.orgs.models import Site
from bianmin.orgs.roles import Action
from bianmin.orgs.scoping import sites_for

from .models import Appointment, SlotClosure, SlotRule


def public_site(site_id) -> Site:
    found = None
    if isinstance(site_id, int) or (isinstance(site_id, str) and site_id.isdigit() and len(site_id) < 19):
        found = Site.objects.select_related("unit").filter(pk=int(site_id)).first()
    if found is None:
        raise InvalidInput("请选择服务场所。", "Choose a service site.", field="site")
    return found


def public_item(ref) -> Item:
    """An item by its code (实施编码) or its id; secret items are never offered to the public."""
    items = Item.objects.filter(secret=False)
    found = None
    if isinstance(ref, str) and 0 < len(ref) <= 24:
        found = items.filter(code=ref).first()
        if found is None and ref.isdigit() and len(ref) < 19:
            found = items.filter(pk=int(ref)).first()
    elif isinstance(ref, int) and not isinstance(ref, bool):
        found = items.filter(pk=ref).first()
    if found is None:
        raise InvalidInput("请选择要预约的事项。", "Choose the item to book.", field="item")
    return found


def sites_serving(item: Item):
    """The sites with a window that takes the item, for the booking page's site choice."""
    return Site.objects.filter(windows__items=item).distinct().order_by("unit__path", "name")


def staff_sites(user, action: str = Action.VIEW_CASE):
    return sites_for(user, action).select_related("unit").order_by("unit__path", "name")


def day_list(user, site: Site, day: dt.date):
    """A site's appointments of one day as the person may see them (VIEW_CASE: the site's clerks and manager,
    supervisors above it)."""
    return (Appointment.objects.for_user(user, Action.VIEW_CASE).filter(site=site, date=day)
            .select_related("item", "created_by", "moved_to").order_by("start", "created_at", "pk"))


def closures(site: Site, day: dt.date):
    return SlotClosure.objects.filter(site=site, date=day).select_related("closed_by").order_by("start")


def rules(user):
    return (SlotRule.objects.for_user(user, Action.MANAGE_SITE).select_related("site", "item")
            .order_by("site__name", "item__code"))
