"""Clock-in import (issue 16 point 2): CSV or Excel with work_id and time, or the JSON a clock-in bridge sends.
Good rows become Presence rows (source "import", at the A post's window), punches alternate in/out through the day,
duplicates are skipped and every row that cannot be read is reported with its row number and a bilingual reason."""
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bianmin.hall.models import Presence

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def now(set_now):
    return set_now(dt.datetime(2026, 12, 2, 18, tzinfo=TZ))


def csv_file(world, name="punches.csv"):
    a, a2 = world.clerk_a.staff.work_id, world.clerk_a2.staff.work_id
    text = (f"work_id,time\n{a},2026-12-01 08:20\n{a},2026-12-01 17:40\n{a2},2026/12/01 08:45:10\n"
            f"NOBODY,2026-12-01 08:00\n{a},yesterday\n,2026-12-01 09:00\n{a},2026-12-01 08:20\n"
            f"{world.manager_b.staff.work_id},2026-12-01 08:00\n\n")
    return SimpleUploadedFile(name, text.encode("utf-8"), "text/csv")


def test_a_csv_import_stores_good_rows_and_reports_bad_ones(world, api_for, now):
    body = api_for(world.manager_a).post("/api/v1/attendance/import", {"file": csv_file(world)}).json()
    assert body["imported"] == 3  # the repeated 08:20 punch is a duplicate, skipped
    assert [r["row"] for r in body["rejected"]] == [5, 6, 7, 9]
    assert all(r["reason"] and r["reason_en"] for r in body["rejected"])
    assert "NOBODY" in body["rejected"][0]["reason"]
    rows = list(Presence.objects.filter(staff=world.clerk_a.staff).order_by("at").values_list("kind", "source", "window"))
    assert rows == [("in", "import", world.window_a.pk), ("out", "import", world.window_a.pk)]
    assert Presence.objects.get(staff=world.clerk_a2.staff).window is None  # no A post
    again = api_for(world.manager_a).post("/api/v1/attendance/import", {"file": csv_file(world)}).json()
    assert again["imported"] == 0 and Presence.objects.count() == 3


def test_an_excel_import(world, api_for, now):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["工号", "打卡时间"])
    sheet.append([world.clerk_a.staff.work_id, dt.datetime(2026, 12, 1, 8, 31)])
    sheet.append([world.clerk_a.staff.work_id, "2026-12-01 12:02"])
    sheet.append([world.clerk_a.staff.work_id, "not a time"])
    sheet.append(["W99999", dt.datetime(2026, 12, 1, 8, 0)])
    data = io.BytesIO()
    book.save(data)
    upload = SimpleUploadedFile("kq.xlsx", data.getvalue(),
                                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    body = api_for(world.manager_a).post("/api/v1/attendance/import", {"file": upload}).json()
    assert body["imported"] == 2
    assert [r["row"] for r in body["rejected"]] == [4, 5]
    first = Presence.objects.filter(staff=world.clerk_a.staff).order_by("at").first()
    assert first.at == dt.datetime(2026, 12, 1, 8, 31, tzinfo=TZ) and first.kind == "in"


def test_the_json_bridge(world, api_for, now):
    a = world.clerk_a.staff.work_id
    client = api_for(world.manager_a)
    body = client.post("/api/v1/attendance/import", {"punches": [
        {"work_id": a, "at": "2026-12-01T08:29"}, {"work_id": a, "at": "2026-13-01T08:29"},
        {"work_id": a, "at": "2027-01-01T08:00"}]}, content_type="application/json").json()
    assert body["imported"] == 1 and [r["row"] for r in body["rejected"]] == [2, 3]
    for bad in ({"punches": "x"}, {}, []):
        assert client.post("/api/v1/attendance/import", bad, content_type="application/json").status_code == 422
    assert client.post("/api/v1/attendance/import", "{", content_type="application/json").status_code == 422


def test_import_kinds_fit_around_workbench_signing(world, api_for, now, set_now):
    from bianmin.hall import services

    set_now(dt.datetime(2026, 12, 1, 8, 30, tzinfo=TZ))
    services.sign(world.clerk_a, "in")
    set_now(dt.datetime(2026, 12, 2, 18, tzinfo=TZ))
    api_for(world.manager_a).post("/api/v1/attendance/import", {"punches": [
        {"work_id": world.clerk_a.staff.work_id, "at": "2026-12-01T17:31"}]}, content_type="application/json")
    assert list(Presence.objects.order_by("at").values_list("kind", flat=True)) == ["in", "out"]


def test_who_may_import_and_bad_files(world, api_for, client_for, now):
    assert api_for(world.clerk_a).post("/api/v1/attendance/import", {"file": csv_file(world)}).status_code == 403
    assert api_for(None).post("/api/v1/attendance/import", {"file": csv_file(world)}).status_code == 401
    manager = api_for(world.manager_a)
    assert manager.post("/api/v1/attendance/import", {"file": SimpleUploadedFile("a.pdf", b"%PDF")}).status_code == 422
    assert manager.post("/api/v1/attendance/import", {"file": SimpleUploadedFile("a.csv", b"")}).status_code == 422
    assert manager.post("/api/v1/attendance/import", {}).status_code == 422
    assert Presence.objects.count() == 0
    # Another site's manager: every row is somebody they do not manage.
    body = api_for(world.manager_b).post("/api/v1/attendance/import", {"file": csv_file(world)}).json()
    assert body["imported"] == 1  # only manager_b's own punch
    assert Presence.objects.get().staff == world.manager_b.staff


def test_the_import_page(world, client_for, now):
    page = client_for(world.manager_a).post("/workbench/hall/attendance/import/", {"file": csv_file(world)})
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-test="rejected"' in text and "NOBODY" in text
    assert Presence.objects.count() == 3
    bad = client_for(world.manager_a).post("/workbench/hall/attendance/import/", {"file": SimpleUploadedFile("a.doc", b"x")})
    assert bad.status_code == 422
    assert client_for(world.clerk_a).post("/workbench/hall/attendance/import/", {"file": csv_file(world)}).status_code == 403
