"""Quality-service records (seed 003 第六條-第八條) through the service: every kind is kept and listed, a training
keeps attendance and exam scores of the site's staff, supervisor meetings are counted against 1–2 a year (第七條),
bad input is refused with nothing stored, and the export holds the period's rows only."""
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from bianmin.core.errors import InvalidInput, NotFound, PermissionDenied
from bianmin.staffops import records
from bianmin.staffops.models import QualityRecord, RecordAttachment, TrainingResult

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 18, 10, 0)
Kind = QualityRecord.Kind


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def record(world, kind=Kind.CUSTOMER_VISIT, date="2026-11-10", title="走访辖区企业", site=None, user=None, **extra):
    data = {"kind": kind, "date": date, "title": title, "summary": extra.pop("summary", ""), **extra}
    return records.create_record(user or world.manager_a, site or world.site_a, data, extra.pop("files", ()),
                                 extra.pop("results", None))


def pdf(name="纪要.pdf", size=100):
    return SimpleUploadedFile(name, b"%PDF-1.4" + b"x" * size, "application/pdf")


def nothing_stored():
    return not QualityRecord.objects.exists() and not TrainingResult.objects.exists() \
        and not RecordAttachment.objects.exists()


@pytest.mark.parametrize("kind", Kind.values)
def test_each_of_the_seven_kinds_of_s003_is_kept_and_listed(world, set_now, kind):
    set_now(NOW)
    saved = record(world, kind=kind, title=f"{Kind(kind).label}记录")
    assert list(records.records_for(world.manager_a, kind=kind)) == [saved]
    assert saved.created_by == world.manager_a and saved.site == world.site_a


def test_a_training_keeps_attendance_and_exam_scores_of_the_sites_staff(world, set_now):
    set_now(NOW)
    saved = record(world, kind=Kind.TRAINING, title="文明礼仪培训", results=[
        {"staff": world.clerk_a.staff.pk, "attended": True, "exam_score": "92.5"},
        {"staff": world.clerk_a2.staff.pk, "attended": False, "exam_score": ""}],
        files=[pdf("试卷.pdf"), SimpleUploadedFile("成绩单.xlsx", b"PK\x03\x04", "application/octet-stream")])
    rows = {r.staff_id: r for r in saved.results.all()}
    assert str(rows[world.clerk_a.staff.pk].exam_score) == "92.5"
    assert rows[world.clerk_a2.staff.pk].attended is False and rows[world.clerk_a2.staff.pk].exam_score is None
    assert sorted(a.name for a in saved.attachments.all()) == ["成绩单.xlsx", "试卷.pdf"]
    # The stored file name is random: the uploaded name may name a person.
    assert all("试卷" not in a.file.name and "成绩单" not in a.file.name for a in saved.attachments.all())


def test_a_clerk_reaches_their_own_training_result_only(world, set_now):
    set_now(NOW)
    record(world, kind=Kind.TRAINING, title="业务培训", results=[
        {"staff": world.clerk_a.staff.pk, "exam_score": 88}, {"staff": world.clerk_a2.staff.pk, "exam_score": 75}])
    mine = list(records.training_results_for(world.clerk_a))
    assert [r.staff_id for r in mine] == [world.clerk_a.staff.pk]
    assert records.training_results_for(world.manager_a).count() == 2
    assert not records.records_for(world.clerk_a).exists()  # the records themselves are not theirs to read


def test_visibility_manager_own_site_supervisor_subtree(world, set_now):
    set_now(NOW)
    a = record(world, title="A 站走访")
    b = record(world, title="B 站走访", site=world.site_b, user=world.manager_b)
    assert list(records.records_for(world.manager_a)) == [a]
    assert list(records.records_for(world.manager_b)) == [b]
    assert set(records.records_for(world.supervisor)) == {a, b}
    with pytest.raises(NotFound):
        records.record_for(world.manager_b, a.pk)
    assert records.record_for(world.supervisor, a.pk) == a


def test_only_those_who_assess_write_and_only_in_their_scope(world, set_now):
    set_now(NOW)
    with pytest.raises(PermissionDenied):
        record(world, user=world.clerk_a)
    with pytest.raises(NotFound):
        record(world, user=world.manager_b)  # site A is not theirs
    assert nothing_stored()


@pytest.mark.parametrize("change,field", [
    ({"date": "2026-11-19"}, "date"),  # tomorrow: only what took place is recorded
    ({"date": "2026-13-01"}, "date"),
    ({"title": ""}, "title"),
    ({"title": "题" * 201}, "title"),
    ({"kind": "party"}, "kind"),
    ({"files": [SimpleUploadedFile("脚本.exe", b"MZ")]}, "attachments"),
    ({"files": [SimpleUploadedFile("录音.mp3", b"ID3")]}, "attachments"),  # not a document
    ({"files": [pdf(size=10 * 1024 * 1024 + 1)]}, "attachments"),
    ({"results": [{"staff": 1, "exam_score": 90}]}, "results"),  # attendance on a customer visit
])
def test_bad_input_is_refused_in_both_languages_and_nothing_is_stored(world, set_now, change, field):
    set_now(NOW)
    with pytest.raises(InvalidInput) as refused:
        record(world, **change)
    assert refused.value.field == field and refused.value.zh and refused.value.en
    assert nothing_stored()


@pytest.mark.parametrize("score", ["101", "-1", "abc", "NaN", "88.25"])
def test_an_exam_score_outside_0_to_100_is_refused(world, set_now, score):
    set_now(NOW)
    with pytest.raises(InvalidInput) as refused:
        record(world, kind=Kind.TRAINING, title="培训",
               results=[{"staff": world.clerk_a.staff.pk, "exam_score": score}], files=[pdf()])
    assert refused.value.field == "results"
    assert nothing_stored()


def test_staff_of_another_site_cannot_be_listed_at_a_training(world, set_now):
    set_now(NOW)
    with pytest.raises(InvalidInput) as refused:
        record(world, kind=Kind.TRAINING, title="培训",
               results=[{"staff": world.clerk_a.staff.pk, "exam_score": 90},
                        {"staff": world.manager_b.staff.pk, "exam_score": 80}])
    assert "本场所" in refused.value.zh and "this site" in refused.value.en
    assert nothing_stored()


def test_a_person_listed_twice_or_scored_while_absent_is_refused(world, set_now):
    set_now(NOW)
    staff = world.clerk_a.staff.pk
    for rows in ([{"staff": staff}, {"staff": staff}], [{"staff": staff, "attended": False, "exam_score": 60}]):
        with pytest.raises(InvalidInput):
            record(world, kind=Kind.TRAINING, title="培训", results=rows)
    assert nothing_stored()


def test_one_to_two_supervisor_meetings_a_year(world, set_now):
    """S003 第七條: 每年度召開一次至二次行風監督員座談會."""
    set_now(NOW)
    assert (records.meetings_this_year(world.site_a, 2026).held, records.meetings_this_year(world.site_a, 2026).met) \
        == (0, False)
    record(world, kind=Kind.SUPERVISOR_MEETING, date="2025-12-20", title="去年的座谈会")
    record(world, kind=Kind.SUPERVISOR_MEETING, date="2026-06-12", title="上半年座谈会")
    status = records.meetings_this_year(world.site_a, 2026)
    assert (status.held, status.met, status.over) == (1, True, False)
    assert status.label == "本年度座谈会 1/1–2"
    record(world, kind=Kind.SUPERVISOR_MEETING, date="2026-10-12", title="下半年座谈会")
    record(world, kind=Kind.SUPERVISOR_MEETING, date="2026-11-12", title="加开座谈会")
    assert records.meetings_this_year(world.site_a, 2026).over
    assert records.meetings_this_year(world.site_b, 2026).held == 0


def test_the_export_holds_the_rows_of_the_period_only(world, set_now):
    set_now(NOW)
    record(world, date="2026-09-30", title="九月走访")
    record(world, kind=Kind.LETTER_VISIT, date="2026-10-08", title="十月来信", summary="来信人电话13812345678")
    record(world, kind=Kind.TRAINING, date="2026-10-20", title="十月培训",
           results=[{"staff": world.clerk_a.staff.pk, "exam_score": 95}])
    record(world, date="2026-11-02", title="十一月走访")
    rows = records.records_for(world.manager_a, date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 10, 31))
    sheet = load_workbook(io.BytesIO(records.export_xlsx(rows, dt.date(2026, 10, 1), dt.date(2026, 10, 31)))).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert "2026-10-01" in values[0][0] and "2026-10-31" in values[0][0]
    titles = [row[3] for row in values[2:]]
    assert sorted(titles) == ["十月培训", "十月来信"]
    letter = next(row for row in values[2:] if row[3] == "十月来信")
    assert letter[1] == "来信来访" and "13812345678" not in letter[4]
    training = next(row for row in values[2:] if row[3] == "十月培训")
    assert "王小红 95" in training[6]
