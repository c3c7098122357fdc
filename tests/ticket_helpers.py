"""Helpers for bad-review loop tests: a bad rating of a finished case, ticket actions through the API."""
import json
from contextlib import contextmanager

from bianmin.ratings import services as rating_services
from bianmin.rectification.models import Ticket

from .rating_helpers import finished_case


def bad_rating(world, level="very_dissatisfied", phone="13812345678", anonymous=False):
    case = finished_case(world, phone=phone)
    link = rating_services.rating_link(case)
    rating, _ = rating_services.submit_with_token(link.token, level=level, comment="办事太慢", anonymous=anonymous)
    return rating


def ticket_of(rating):
    return Ticket.objects.get(rating=rating)


def do(client, ticket, action, body=None, expect=200):
    r = client.post(f"/api/v1/rectifications/{ticket.pk}/{action}", data=json.dumps(body or {}),
                    content_type="application/json")
    assert r.status_code == expect, r.content.decode()
    return r.json()


@contextmanager
def no_inline_ticket():
    """Ratings stored inside this block do not open their tickets at once (as when the receiver failed): the
    worker's sweep must catch up."""
    from django.apps import apps

    from bianmin.ratings import events

    uid = "rectification.open_ticket_if_bad"
    receiver = apps.get_app_config("rectification").receivers[0]
    events.rating_stored.disconnect(dispatch_uid=uid)
    try:
        yield
    finally:
        events.rating_stored.connect(receiver, dispatch_uid=uid)
