"""Quality-service records (优质服务记录, seed 003 第六條-第八條): customer visits and return visits, letters and
visits, leader reception days, supervisor meetings, training sessions with attendance and exam scores, key
activities — each a dated record of one site with its attachments, listed and exported per period for the reports.

A record is never edited: a correction is a new record (SPEC §11, records cannot be silently altered). Only people
who may assess a site (ASSESS) write its records; those who may view assessments (VIEW_ASSESSMENT) read them in
their scope. A clerk reaches only their own training results (TrainingResult's person scope), never the list.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bianmin.core import timeutil
from bianmin.core.errors import InvalidInput, NotFound, PermissionDenied
from bianmin.core.inputs import text
from bianmin.core.masking import mask_text
from bianmin.core.uploads import check_upload
from bianmin.orgs.models import Site, Staff
from bianmin.orgs.people import name_of
from bianmin.orgs.roles import Action
from bianmin.orgs.scoping import can, sites_for

from .models import QualityRecord, RecordAttachment, TrainingResult

Kind = QualityRecord.Kind
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What a record's evidence is: scans and photos of the register, the minutes, the exam sheets (S003 第八條).
# Narrower than core.uploads (no text or audio files): the archive keeps documents.
RECORD_FILE_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx")
MAX_ATTACHMENTS = 10
MAX_SUMMARY = 5000
# S003 第七條: 每年度召開一次至二次行風監督員座談會.
MEETINGS_PER_YEAR = (1, 2)
MAX_EXPORT_ROWS = 20000


# ---------------------------------------------------------------- who

def _assessable_site(user, site) -> Site:
    """The site `user` may write records for: 403 without ASSESS anywhere, 404 for a site out of their scope."""
    if not can(user, Action.ASSESS):
        raise PermissionDenied("您无权登记优质服务记录。", "You may not record quality-service records.")
    site_id = site.pk if isinstance(site, Site) else site
    found = None
    with contextlib.suppress(TypeError, ValueError):
        found = sites_for(user, Action.ASSESS).filter(pk=int(site_id)).first()
    if found is None:
        raise NotFound("服务场所不存在或不在您的管辖范围内。", "No such site, or it is outside your scope.")
    return found


# ---------------------------------------------------------------- writing

def create_record(user, site, data: dict, attachments: Iterable = (), results: Iterable[dict] | None = None
                  ) -> QualityRecord:
    """Record one quality-service activity of `site`. `data`: kind, date (YYYY-MM-DD, not in the future), title
    (≤200), summary, participants. `attachments`: uploaded files (PDF, images, Word, Excel; ≤10 MB each).
    `results` (training only): [{"staff": id, "attended": bool, "exam_score": 0–100 or None}] for the site's staff.
    Everything is checked before anything is written; a refusal is a bilingual InvalidInput (422)."""
    site = _assessable_site(user, site)
    kind = str(data.get("kind") or "")
    if kind not in Kind.values:
        raise InvalidInput("请选择记录类型。", "Choose the kind of record.", field="kind")
    date = _date(data.get("date"))
    title = text(data, "title", "主题", "Title", max_len=200)
    summary = text(data, "summary", "内容摘要", "Summary", required=False, max_len=MAX_SUMMARY)
    participants = text(data, "participants", "参加人员", "Participants", required=False, max_len=500)
    files = [f for f in (attachments or []) if f is not None]
    if len(files) > MAX_ATTACHMENTS:
        raise InvalidInput(f"附件最多 {MAX_ATTACHMENTS} 个。", f"At most {MAX_ATTACHMENTS} attachments.",
                           field="attachments")
    names = [check_record_file(f) for f in files]
    rows = _results(site, kind, results)
    now = timeutil.now()
    with transaction.atomic():
        record = QualityRecord.objects.create(site=site, kind=kind, date=date, title=title, summary=summary,
                                              participants=participants, created_by=user, created_at=now)
        TrainingResult.objects.bulk_create(
            TrainingResult(record=record, staff=staff, attended=attended, exam_score=score)
            for staff, attended, score in rows)
        for uploaded, name in zip(files, names, strict=True):
            # The stored name is random: the uploaded one may carry a person's name, and stored names reach paths.
            uploaded.name = secrets.token_hex(8) + os.path.splitext(name)[1].lower()
            RecordAttachment.objects.create(record=record, name=name, file=uploaded, uploaded_at=now)
    return record


def check_record_file(uploaded) -> str:
    """The name to keep for an acceptable attachment: this archive's types, then core.uploads' rule (size)."""
    if uploaded is not None and not (uploaded.name or "").lower().endswith(RECORD_FILE_TYPES):
        raise InvalidInput("附件类型不支持（可上传 PDF、图片、Word、Excel 文件）。",
                           "Unsupported attachment type (PDF, images, Word or Excel files).", field="attachments")
    try:
        return check_upload(uploaded)
    except InvalidInput as exc:  # the same message, naming this form's field
        raise InvalidInput(exc.zh, exc.en, field="attachments") from None


def _date(value) -> dt.date:
    if value in (None, ""):
        raise InvalidInput("请填写日期。", "The date is required.", field="date")
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise InvalidInput("日期格式应为 YYYY-MM-DD。", "The date must be written YYYY-MM-DD.",
                               field="date") from None
    if value > timeutil.today():
        raise InvalidInput("日期不能晚于今天：只能记录已经开展的活动。",
                           "The date cannot be in the future: record what has taken place.", field="date")
    if value.year < 2000:
        raise InvalidInput("日期过早。", "The date is too early.", field="date")
    return value


def _results(site: Site, kind: str, results) -> list[tuple[Staff, bool, Decimal | None]]:
    """The checked attendance and exam rows of a training: people of this site only, each once, 0–100."""
    results = list(results or [])
    if kind != Kind.TRAINING:
        if results:
            raise InvalidInput("只有优质服务培训记录可以登记出席和考试成绩。",
                               "Only a training record takes attendance and exam scores.", field="results")
        return []
    staff_of_site = {s.pk: s for s in site_staff(site)}
    rows, seen = [], set()
    for row in results:
        raw = row.get("staff")
        staff_id = raw.pk if isinstance(raw, Staff) else raw
        try:
            staff_id = int(staff_id)
        except (TypeError, ValueError):
            staff_id = None
        staff = staff_of_site.get(staff_id)
        if staff is None:
            raise InvalidInput("参训人员须为本场所的工作人员。", "Trainees must be staff of this site.",
                               field="results")
        if staff.pk in seen:
            raise InvalidInput(f"{staff.name} 重复登记。", f"{staff.name} is listed twice.", field="results")
        seen.add(staff.pk)
        attended = _flag(row.get("attended", True))
        score = _score(row.get("exam_score"), staff)
        if score is not None and not attended:
            raise InvalidInput(f"{staff.name} 未出席，不能登记考试成绩。",
                               f"{staff.name} did not attend and cannot have an exam score.", field="results")
        rows.append((staff, attended, score))
    return rows


def _flag(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes")
    return bool(value)


def _score(value, staff: Staff) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        score = Decimal(str(value).strip())
    except InvalidOperation:
        score = None
    if score is None or not score.is_finite() or not Decimal(0) <= score <= Decimal(100):
        raise InvalidInput(f"{staff.name} 的考试成绩应在 0 到 100 之间。",
                           f"The exam score of {staff.name} must be between 0 and 100.", field="results")
    if score != score.quantize(Decimal("0.1")):
        raise InvalidInput(f"{staff.name} 的考试成绩最多保留一位小数。",
                           f"The exam score of {staff.name} has at most one decimal place.", field="results")
    return score


def site_staff(site: Site):
    """Who may be listed at a training of `site`: the people working there (hall.services.site_staff)."""
    from bianmin.hall.services import site_staff as staff_of_site

    return staff_of_site(site)


# ---------------------------------------------------------------- reading

def records_for(user, site=None, kind: str | None = None, date_from: dt.date | None = None,
                date_to: dt.date | None = None):
    """The records `user` may view (VIEW_ASSESSMENT), narrowed by site, kind and period (both ends included)."""
    qs = QualityRecord.objects.for_user(user, Action.VIEW_ASSESSMENT)
    if site is not None:
        qs = qs.filter(site_id=site.pk if isinstance(site, Site) else site)
    if kind:
        qs = qs.filter(kind=kind)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return qs.select_related("site", "created_by__staff")


def record_for(user, record_id) -> QualityRecord:
    """One record `user` may view, else NotFound (404) — saying nothing about records out of their scope."""
    found = None
    with contextlib.suppress(TypeError, ValueError):
        found = records_for(user).filter(pk=int(record_id)).first()
    if found is None:
        raise NotFound("记录不存在或不在您的管辖范围内。", "No such record, or it is outside your scope.")
    return found


def attachment_for(user, attachment_id) -> RecordAttachment:
    """An attachment of a record `user` may view, else NotFound (404): files are never public."""
    found = None
    with contextlib.suppress(TypeError, ValueError):
        found = (RecordAttachment.objects.filter(pk=int(attachment_id), record__in=records_for(user))
                 .select_related("record").first())
    if found is None:
        raise NotFound("附件不存在或不在您的管辖范围内。", "No such attachment, or it is outside your scope.")
    return found


def training_results_for(user, staff: Staff | None = None):
    """Training results `user` may see: their own (a clerk, on their own score page), or their scope's
    (VIEW_ASSESSMENT); `staff` narrows to one person."""
    qs = TrainingResult.objects.for_user(user, Action.VIEW_ASSESSMENT)
    if staff is not None:
        qs = qs.filter(staff=staff)
    return qs.select_related("record", "record__site", "staff").order_by("-record__date", "-record_id")


@dataclass(frozen=True)
class MeetingStatus:
    """S003 第七條: one or two supervisor meetings (行风监督员座谈会) a year."""

    year: int
    held: int
    low: int = MEETINGS_PER_YEAR[0]
    high: int = MEETINGS_PER_YEAR[1]

    @property
    def met(self) -> bool:
        return self.held >= self.low

    @property
    def over(self) -> bool:
        return self.held > self.high

    @property
    def label(self) -> str:
        return _("本年度座谈会 %(held)s/%(low)s–%(high)s") % {"held": self.held, "low": self.low, "high": self.high}


def meetings_this_year(site, year: int | None = None) -> MeetingStatus:
    year = year or timeutil.today().year
    held = QualityRecord.objects.filter(site_id=site.pk if isinstance(site, Site) else site, date__year=year,
                                        kind=Kind.SUPERVISOR_MEETING).count()
    return MeetingStatus(year=year, held=held)


def meetings_by_site(sites, year: int) -> dict[int, MeetingStatus]:
    """meetings_this_year for several sites in one query."""
    from django.db.models import Count

    counts = dict(QualityRecord.objects.filter(site__in=sites, date__year=year, kind=Kind.SUPERVISOR_MEETING)
                  .values_list("site").annotate(n=Count("pk")).values_list("site", "n"))
    return {s.pk: MeetingStatus(year=year, held=counts.get(s.pk, 0)) for s in sites}


# ---------------------------------------------------------------- export

COLUMNS = [(_lazy("服务场所"), 24), (_lazy("记录类型"), 16), (_lazy("日期"), 12), (_lazy("主题"), 30),
           (_lazy("内容摘要"), 50), (_lazy("参加人员"), 30), (_lazy("培训出席/考试成绩"), 36), (_lazy("附件"), 24),
           (_lazy("记录人"), 12), (_lazy("记录时间"), 17)]


def export_xlsx(records, date_from: dt.date | None = None, date_to: dt.date | None = None) -> bytes:
    """One sheet with a kind column, the period in the title row (from the filters, else the records' dates).
    Free text has phone and ID numbers masked: a spreadsheet leaves the system."""
    from django.utils import timezone

    rows = list(records.prefetch_related("results__staff", "attachments")[:MAX_EXPORT_ROWS]
                if hasattr(records, "prefetch_related") else records)
    dates = [r.date for r in rows]
    start = date_from or (min(dates) if dates else None)
    end = date_to or (max(dates) if dates else None)
    wb = Workbook()
    ws = wb.active
    ws.title = _("优质服务记录")
    period = f"{start or '…'} — {end or '…'}"
    ws.append([_("优质服务记录") + f"（{period}）"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([str(title) for title, _width in COLUMNS])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for record in rows:
        results = "；".join(_result_text(r) for r in record.results.all())
        ws.append([record.site.name, str(record.get_kind_display()), record.date, record.title,
                   mask_text(record.summary) or "", mask_text(record.participants) or "", results,
                   "、".join(a.name for a in record.attachments.all()), _author(record),
                   timezone.localtime(record.created_at).strftime("%Y-%m-%d %H:%M")])
        ws.cell(row=ws.max_row, column=3).number_format = "yyyy-mm-dd"
        for column in (4, 5, 6, 7):
            ws.cell(row=ws.max_row, column=column).alignment = wrap
    for i, (_title, width) in enumerate(COLUMNS, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _result_text(result: TrainingResult) -> str:
    if not result.attended:
        return f"{result.staff.name} {_('缺席')}"
    return f"{result.staff.name} {result.exam_score if result.exam_score is not None else '—'}"


def _author(record: QualityRecord) -> str:
    return name_of(record.created_by)
