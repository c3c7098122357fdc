"""The quality-service record pages (/workbench/quality-records/…): managers record and list their site's records,
supervisors read their subtree, clerks and outsiders are refused; a refused form is a bilingual 4xx with nothing
stored; the export and the attachment downloads are scoped."""
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from bianmin.staffops import records
from bianmin.staffops.models import QualityRecord, RecordAttachment, TrainingResult

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 18, 10, 0)
LIST = "/workbench/quality-records/"
NEW = "/workbench/quality-records/new/"
Kind = QualityRecord.Kind


@pytest.fixture(autouse=True)
def media(settings, tmp_path, set_now):
    settings.MEDIA_ROOT = tmp_path
    set_now(NOW)


def post(client, site, kind, **fields):
    data = {"site": site.pk, "kind": kind, "date": "2026-11-12", "title": "记录主题", "summary": "", **fields}
    return client.post(NEW, data)


def made(world, site=None, user=None, kind=Kind.CUSTOMER_VISIT, title="走访记录", **extra):
    return records.create_record(user or world.manager_a, site or world.site_a,
                                 {"kind": kind, "date": extra.pop("date", "2026-11-10"), "title": title},
                                 extra.pop("files", ()), extra.pop("results", None))


@pytest.mark.parametrize("kind", [k for k in Kind.values if k != Kind.TRAINING])
def test_a_manager_records_each_kind_from_the_page_and_finds_it_listed(world, client_for, kind):
    client = client_for(world.manager_a)
    response = post(client, world.site_a, kind, title=f"{Kind(kind).label}一次",
                    attachments=[SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 minutes", "application/pdf")])
    saved = QualityRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{LIST}{saved.pk}/"
    assert saved.kind == kind and saved.attachments.count() == 1
    listed = client.get(LIST, {"kind": kind})
    assert listed.status_code == 200 and f'data-record="{saved.pk}"'.encode() in listed.content


def test_a_training_page_lists_the_sites_staff_and_keeps_attendance_and_scores(world, client_for):
    client = client_for(world.manager_a)
    form = client.get(NEW, {"site": world.site_a.pk, "kind": Kind.TRAINING})
    assert form.status_code == 200 and 'data-test="trainees"' in form.content.decode()
    assert world.clerk_a.staff.name in form.content.decode()
    assert world.manager_b.staff.name not in form.content.decode()  # not of this site
    a, a2 = world.clerk_a.staff.pk, world.clerk_a2.staff.pk
    response = post(client, world.site_a, Kind.TRAINING, title="文明服务用语培训", staff=[a, a2],
                    **{f"attended_{a}": "1", f"score_{a}": "96", f"score_{a2}": ""})
    assert response.status_code == 302
    rows = {r.staff_id: r for r in TrainingResult.objects.all()}
    assert rows[a].attended and str(rows[a].exam_score) == "96.0"
    assert not rows[a2].attended and rows[a2].exam_score is None
    detail = client.get(response["Location"]).content.decode()
    assert "96.0" in detail and "1/2" in detail


@pytest.mark.parametrize("fields,expected", [
    ({"date": "2026-11-19"}, "The date cannot be in the future"),
    ({"title": ""}, "Title is required"),
    ({"attachments": [SimpleUploadedFile("名单.exe", b"MZ")]}, "Unsupported attachment type"),
    ({"attachments": [SimpleUploadedFile("大文件.pdf", b"%" * (10 * 1024 * 1024 + 1))]}, "File too large"),
])
def test_a_refused_record_is_a_bilingual_4xx_and_nothing_is_stored(world, client_for, fields, expected):
    response = post(client_for(world.manager_a), world.site_a, Kind.CUSTOMER_VISIT, **fields)
    assert response.status_code == 422
    assert expected in response.content.decode() and 'data-test="record-error"' in response.content.decode()
    assert not QualityRecord.objects.exists() and not RecordAttachment.objects.exists()


def test_an_exam_score_of_101_or_staff_of_another_site_is_refused_on_the_page(world, client_for):
    client = client_for(world.manager_a)
    a, b = world.clerk_a.staff.pk, world.manager_b.staff.pk
    over = post(client, world.site_a, Kind.TRAINING, staff=[a], **{f"attended_{a}": "1", f"score_{a}": "101"})
    assert over.status_code == 422 and "0 到 100" in over.content.decode() and "between 0 and 100" in over.content.decode()
    foreign = post(client, world.site_a, Kind.TRAINING, staff=[a, b],
                   **{f"attended_{a}": "1", f"attended_{b}": "1", f"score_{b}": "80"})
    assert foreign.status_code == 422 and "Trainees must be staff of this site" in foreign.content.decode()
    assert not QualityRecord.objects.exists() and not TrainingResult.objects.exists()


def test_a_manager_cannot_record_for_another_site(world, client_for):
    assert post(client_for(world.manager_b), world.site_a, Kind.CUSTOMER_VISIT).status_code == 404
    assert not QualityRecord.objects.exists()


def test_who_sees_which_record(world, client_for):
    a = made(world, title="A 站的走访")
    b = made(world, site=world.site_b, user=world.manager_b, title="B 站的走访")
    own = client_for(world.manager_a).get(LIST).content.decode()
    assert "A 站的走访" in own and "B 站的走访" not in own
    assert client_for(world.manager_a).get(f"{LIST}{a.pk}/").status_code == 200
    assert client_for(world.manager_b).get(f"{LIST}{a.pk}/").status_code == 404
    assert client_for(world.manager_a).get(LIST, {"site": world.site_b.pk}).status_code == 404
    both = client_for(world.supervisor).get(LIST).content.decode()
    assert "A 站的走访" in both and "B 站的走访" in both
    assert client_for(world.supervisor).get(f"{LIST}{b.pk}/").status_code == 200
    for person in (world.clerk_a, world.outsider):
        assert client_for(person).get(LIST).status_code == 403
        assert client_for(person).get(NEW).status_code == 403
        assert client_for(person).get(f"{LIST}{a.pk}/").status_code == 403
    assert client_for(world.supervisor).get(NEW).status_code == 200  # a supervisor assesses too
    assert client_for(None).get(LIST).status_code == 302


def test_attachments_are_downloaded_in_scope_only(world, client_for):
    saved = made(world, files=[SimpleUploadedFile("王小红的试卷.pdf", b"%PDF-1.4 exam", "application/pdf")])
    attachment = saved.attachments.get()
    url = f"{LIST}files/{attachment.pk}/"
    response = client_for(world.manager_a).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 exam"
    assert "王小红" not in response["Content-Disposition"]  # named by id, not by the person in the file name
    assert client_for(world.supervisor).get(url).status_code == 200
    assert client_for(world.manager_b).get(url).status_code == 404
    assert client_for(world.clerk_a).get(url).status_code == 403
    assert client_for(world.manager_a).get(f"{LIST}files/0/").status_code == 404


def test_the_list_shows_the_yearly_supervisor_meeting_status(world, client_for):
    made(world, kind=Kind.SUPERVISOR_MEETING, title="行风监督员座谈会", date="2026-05-20")
    page = client_for(world.manager_a).get(LIST).content.decode()
    assert "本年度座谈会 1/1–2" in page
    other = client_for(world.manager_b).get(LIST).content.decode()
    assert "本年度座谈会 0/1–2" in other and "尚未召开" in other


def test_bad_filters_are_a_bilingual_4xx(world, client_for):
    client = client_for(world.manager_a)
    response = client.get(LIST, {"from": "2026-02-30"})
    assert response.status_code == 422 and "YYYY-MM-DD" in response.content.decode()
    assert client.get(LIST, {"kind": "party"}).status_code == 422
    assert client.get(f"{LIST}export.xlsx", {"to": "yesterday"}).status_code == 422


def test_the_export_holds_the_period_and_scope_only(world, client_for):
    made(world, title="九月走访", date="2026-09-15")
    made(world, title="十月走访", date="2026-10-15")
    made(world, site=world.site_b, user=world.manager_b, title="B 站十月走访", date="2026-10-16")
    response = client_for(world.manager_a).get(f"{LIST}export.xlsx", {"from": "2026-10-01", "to": "2026-10-31"})
    assert response.status_code == 200 and response["Content-Type"] == records.CONTENT_TYPE
    assert "quality-records-20261001-20261031.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = [row[3] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert titles == ["十月走访"]
    assert client_for(world.clerk_a).get(f"{LIST}export.xlsx").status_code == 403


def test_the_pages_use_the_stacked_phone_layout(world, client_for):
    saved = made(world, kind=Kind.TRAINING, title="培训", results=[{"staff": world.clerk_a.staff.pk, "exam_score": 90}])
    client = client_for(world.manager_a)
    for url in (LIST, f"{LIST}{saved.pk}/", f"{NEW}?kind=training"):
        page = client.get(url).content.decode()
        assert 'class="stack"' in page and "data-label=" in page and 'data-test="nav-' in page
