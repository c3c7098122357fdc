"""Helpers for the home-visit, register and batch tests: a village proxy point under the world's township, and
cases made through the real case services."""
from __future__ import annotations

import base64
import datetime as dt
import io

from django.utils import timezone

from bianmin.cases import services as case_services
from bianmin.core import timeutil
from bianmin.orgs.models import Site, Unit, Window, WindowPost
from bianmin.orgs.roles import Role

from .world import make_user


def station_world(world):
    """A village (under 青山镇) with its 代办点 (a station, one proxy window for the committed item) and its clerk."""
    village = Unit.objects.create(name="青山村", level=Unit.Level.VILLAGE, parent=world.township,
                                  division_code="990101601")
    station = Site.objects.create(unit=village, name="青山村便民服务站", kind=Site.Kind.STATION)
    window = Window.objects.create(site=station, number="01", name="代办窗口", kind=Window.Kind.PROXY)
    window.items.set([world.item_committed, world.item_instant])
    clerk = make_user("clerk_s", Role.CLERK, site=station, staff_name="村代办员")
    WindowPost.objects.create(window=window, staff=clerk.staff, post=WindowPost.Post.A)
    return station, window, clerk


def station_case(clerk, station, window, item, at: dt.datetime | None = None, phone="13912345678"):
    """A case registered at the station (at the local moment `at`, when given)."""
    def register():
        return case_services.register_case(clerk, site=station, item=item, window_id=window.pk,
                                           applicant={"name": "陈阿婆", "phone": phone})
    if at is None:
        return register()
    with timeutil.travel_to(timezone.make_aware(at)):
        return register()


def completed_case(world, *, proxy: bool = False, phone="13812345678"):
    """A case at site A registered (as a proxy case when asked), accepted and completed by clerk_a."""
    entrustment = ({"agent_name": "代办员老周", "agent_phone": "13700001111", "scope": "全程代办",
                    "due_date": (timeutil.today() + dt.timedelta(days=10)).isoformat()} if proxy else None)
    case = case_services.register_case(world.clerk_a, site=world.site_a, item=world.item_committed,
                                       applicant={"name": "刘阿姨", "phone": phone}, window_id=world.window_a.pk,
                                       entrustment=entrustment)
    case_services.transition(case.pk, "accept", world.clerk_a, {})
    return case_services.transition(case.pk, "complete", world.clerk_a, {"result": "准予办理", "delivery": "window"})


def png_data_url(size=(300, 100)) -> str:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", size, (255, 255, 255, 0))
    ImageDraw.Draw(image).line((10, 50, 290, 60), fill=(0, 0, 0, 255), width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def xlsx_rows(body: bytes) -> list[list]:
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def matrix_things(world) -> dict:
    """Path values for the permission matrix (tests/test_scoping_matrix.py): a home visit at site A, a tablet
    sign-off of a finished case there, a batch of a village station under 青山镇 (site B), a register kind."""
    from bianmin.visits import batches, services

    visit = services.request_visit(world.clerk_a, world.site_a, {
        "name": "陈阿婆", "phone": "13912345678", "address": "青山路8号", "need": "elderly", "reason": "申请低保",
        "item": str(world.item_committed.pk), "wanted_date": timeutil.today().isoformat()})
    signed = completed_case(world, phone="13612345678")
    sign_off = services.record_sign_off(signed.pk, world.clerk_a, {
        "received_by": "刘阿姨", "relation": "self", "method": "tablet", "signature": png_data_url(),
        "received_at": timezone.localtime(timeutil.now()).strftime("%Y-%m-%dT%H:%M")})
    station, window, clerk = station_world(world)
    # Registered a minute before the services' clock (set_now moves only that clock; Case.created_at follows
    # Django's, which travel_to moves too): otherwise the case is newer than "now" and no batch takes it.
    registered = timezone.localtime(timeutil.now()).replace(tzinfo=None) - dt.timedelta(minutes=1)
    station_case(clerk, station, window, world.item_committed, at=registered)
    batch = batches.build_now(clerk, station.pk)
    return {"home_visit_id": visit.pk, "signoff_id": sign_off.pk, "proxy_batch_id": batch.pk, "kind": "phone"}
