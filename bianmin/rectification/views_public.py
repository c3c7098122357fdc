"""The rater's follow-up page. (Being built.)"""
from django.http import HttpResponse


def followup_page(request, token: str):
    return HttpResponse("followup")
