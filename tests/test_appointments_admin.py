"""The back office: slot rules are edited in the admin; appointments are shown (phone masked), never edited."""
import pytest
from django.contrib.auth import get_user_model

from bianmin.appointments import services
from bianmin.appointments.models import SlotRule

from .appointments_helpers import MORNING, PHONE, bookable

pytestmark = pytest.mark.django_db


def test_admin_pages_open_and_mask_the_phone(world, client_for, set_now):
    set_now(MORNING)
    bookable(world)
    a = services.book(world.site_a, world.item_committed, "2026-12-03", "09:00", name="陈静", phone=PHONE)
    root = get_user_model().objects.create_superuser("root", "root@example.com", "x-pass-123")
    c = client_for(root)
    for url in ("/admin/appointments/appointment/", f"/admin/appointments/appointment/{a.pk}/change/",
                "/admin/appointments/slotrule/", "/admin/appointments/slotrule/add/",
                "/admin/appointments/slotclosure/"):
        r = c.get(url)
        assert r.status_code == 200, url
        assert PHONE not in r.content.decode(), url
    assert "138****1111" in c.get("/admin/appointments/appointment/").content.decode()
    r = c.post("/admin/appointments/slotrule/add/", {"site": world.site_a.pk, "item": "", "slot_minutes": 20,
                                                     "capacity": 3})
    assert r.status_code == 302
    assert SlotRule.objects.get(site=world.site_a).capacity == 3
