"""The catalogue import page (workbench/exchange/catalogue-import/): upload an upstream export, read the dry run's
report, then import the same file (bianmin.exchange.catalog_import does the work).

The uploaded file waits on the server between the two steps, under a random token that only the session that
uploaded it knows (the session maps token → file name, profile and format); nothing about the file goes into a
URL. A file is deleted once imported, and abandoned ones after a day.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import secrets

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from bianmin.core.errors import Conflict, DomainError

from . import catalog_import as importer
from . import profiles

TEMPLATE = "exchange/catalog_import.html"
SESSION_KEY = "exchange_catalogue_imports"
FOLDER = "exchange/catalogue-imports"
KEEP = dt.timedelta(days=1)
MAX_PENDING = 5  # uploads one session keeps waiting at a time
MAX_SHOWN = 500  # problems and items listed on the page (the counts cover all of them)


def _profile_choices() -> list[dict]:
    out = []
    for name in profiles.names():
        try:
            profile = importer.load_profile_columns(name)
        except DomainError:
            continue  # a profile without a catalogue section cannot import one
        out.append({"name": name, "version": profile.version, "title": profile.title, "title_en": profile.title_en})
    return out


def _path(token: str) -> str:
    return f"{FOLDER}/{token}"


def _sweep() -> None:
    """Delete the uploads nobody imported within a day."""
    try:
        _dirs, files = default_storage.listdir(FOLDER)
    except (FileNotFoundError, NotImplementedError, OSError):
        return
    cutoff = timezone.now() - KEEP
    for name in files:
        try:
            if default_storage.get_modified_time(_path(name)) < cutoff:
                default_storage.delete(_path(name))
        except (FileNotFoundError, NotImplementedError, OSError):
            continue


def _store(request, name: str, data: bytes, profile: str, fmt: str) -> str:
    _sweep()
    token = secrets.token_hex(16)
    default_storage.save(_path(token), ContentFile(data))
    pending = dict(request.session.get(SESSION_KEY) or {})
    for old in sorted(pending, key=lambda t: pending[t].get("at", ""))[: max(0, len(pending) - MAX_PENDING + 1)]:
        _forget(pending, old)
    pending[token] = {"name": name, "profile": profile, "format": fmt, "at": timezone.now().isoformat()}
    request.session[SESSION_KEY] = pending
    return token


def _forget(pending: dict, token: str) -> None:
    pending.pop(token, None)
    with contextlib.suppress(FileNotFoundError, OSError):
        default_storage.delete(_path(token))


def _pending(request, token: str) -> tuple[dict, bytes]:
    meta = (request.session.get(SESSION_KEY) or {}).get(token) if token else None
    if not meta:
        raise Conflict("这份文件已导入或已过期，请重新上传。", "This upload was already imported or has expired; upload it again.")
    try:
        with default_storage.open(_path(token), "rb") as fh:
            data = fh.read(importer.MAX_BYTES + 1)
    except (FileNotFoundError, OSError):
        raise Conflict("这份文件已导入或已过期，请重新上传。",
                       "This upload was already imported or has expired; upload it again.") from None
    return meta, data


def _problem_rows(report: importer.Report) -> list[dict]:
    names = {i.code: i.name for i in report.items}
    problems = sorted(report.all_problems, key=lambda p: (p.rows[:1] or (0,), p.level != importer.ERROR))
    return [{"rows": p.rows_text, "code": p.code, "name": names.get(p.code, ""), "error": p.level == importer.ERROR,
             "zh": p.zh, "en": p.en} for p in problems[:MAX_SHOWN]]


def _guide_links(result: importer.ApplyResult) -> list[dict]:
    from bianmin.catalog.models import Item

    secret = set(Item.objects.filter(pk__in=[a.item_id for a in result.applied], secret=True)
                 .values_list("pk", flat=True))
    rows = []
    for a in result.applied:
        guide = reverse("portal:guide", args=[a.code]) if a.version and a.item_id not in secret else ""
        try:
            admin = reverse("admin:catalog_item_change", args=[a.item_id])
        except NoReverseMatch:
            admin = ""
        rows.append({"entry": a, "guide_url": guide, "admin_url": admin})
    return rows


def _page(request, *, status: int = 200, **extra):
    return render(request, TEMPLATE, {
        "profiles": _profile_choices(), "formats": importer.FORMATS, "max_mb": importer.MAX_BYTES // (1024 * 1024),
        "chosen_profile": request.POST.get("profile", ""), "chosen_format": request.POST.get("format", ""),
        **extra,
    }, status=status)


def _check(request):
    name, data = importer.read_bytes(request.FILES.get("file"))
    profile = request.POST.get("profile", "")
    fmt = importer.detect_format(name, request.POST.get("format") or None)
    _grouped, report = importer.dry_run(data, profile, fmt)
    token = _store(request, name, data, profile, fmt)
    to_apply = [i for i in report.items if i.status in (importer.NEW, importer.CHANGED)]
    return _page(request, report=report, problems=_problem_rows(report), token=token, file_name=name,
                 shown_all=len(report.all_problems) <= MAX_SHOWN, to_apply=to_apply[:MAX_SHOWN],
                 all_items_shown=len(to_apply) <= MAX_SHOWN)


def _apply(request):
    token = request.POST.get("token", "")
    meta, data = _pending(request, token)
    grouped, report = importer.dry_run(data, meta["profile"], meta["format"])  # checked again: the catalogue may have moved
    try:
        result = importer.apply(grouped, report, request.user)
    except IntegrityError:
        raise Conflict("导入期间事项清单已被他人修改，未导入任何事项，请重新上传。",
                       "The catalogue changed while importing; nothing was imported. Upload the file again.") from None
    pending = dict(request.session.get(SESSION_KEY) or {})
    _forget(pending, token)
    request.session[SESSION_KEY] = pending
    return _page(request, result=result, report=report, applied=_guide_links(result)[:MAX_SHOWN],
                 all_items_shown=len(result.applied) <= MAX_SHOWN, problems=_problem_rows(report),
                 file_name=meta["name"], shown_all=len(report.all_problems) <= MAX_SHOWN)


@login_required
def catalogue_import(request):
    if not importer.may_import(request.user):
        raise Forbidden
    if request.method != "POST":
        return _page(request)
    try:
        if request.POST.get("step") == "apply":
            return _apply(request)
        return _check(request)
    except DomainError as exc:  # a file too large (413), unreadable or of another profile (422), gone (409)
        return _page(request, status=exc.status, error=exc)
