"""`python manage.py import_catalogue FILE --profile gbt39046-2020 [--format csv|xlsx|json] [--dry-run] [--user NAME]`:
import the service catalogue from an upstream export, printing the report (bianmin.exchange.catalog_import).

With --dry-run nothing is written. Otherwise the accepted items are imported in one transaction, exactly as the
page does it; --user names who published the new guide versions (none by default).
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from bianmin.core.errors import DomainError
from bianmin.exchange import catalog_import as importer

STATUS = {importer.NEW: "新增 new", importer.CHANGED: "更新 changed", importer.UNCHANGED: "无变化 unchanged",
          importer.REFUSED: "拒绝 refused"}


class Command(BaseCommand):
    help = "Import the service catalogue from an upstream export (CSV, Excel or the profile's JSON), with a report."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The export: .csv, .xlsx or .json")
        parser.add_argument("--profile", required=True, help="Exchange profile, e.g. gbt39046-2020 or provincial-2023")
        parser.add_argument("--format", choices=importer.FORMATS, help="File format (default: by the file's extension)")
        parser.add_argument("--dry-run", action="store_true", help="Check and report only; write nothing")
        parser.add_argument("--user", help="Username recorded as the publisher of the new guide versions")

    def handle(self, *args, file, profile, format=None, dry_run=False, user=None, **options):
        publisher = None
        if user:
            publisher = get_user_model().objects.filter(username=user).first()
            if publisher is None:
                raise CommandError(f"no such user: {user}")
        try:
            grouped, report = importer.dry_run(file, profile, format)
        except DomainError as exc:
            raise CommandError(f"{exc.zh} / {exc.en}") from None
        self._report(report)
        if dry_run:
            self.stdout.write("试导入，未改动任何数据。 / Dry run: nothing was changed.")
            return
        result = importer.apply(grouped, report, publisher)
        for a in result.applied:
            published = f"第 {a.version} 版 / version {a.version}" if a.version else f"未发布 / not published: {a.note_en}"
            self.stdout.write(f"  {STATUS[a.status]}  {a.code}  {a.name}  {published}")
        self.stdout.write(self.style.SUCCESS(
            f"已导入 {len(result.applied)} 项，发布新版指南 {result.published} 份。 / "
            f"Imported {len(result.applied)} item(s), published {result.published} guide version(s)."))

    def _report(self, report: importer.Report) -> None:
        p = report.profile
        self.stdout.write(f"{p.title} ({p.name} v{p.version})")
        counts = report.counts
        self.stdout.write("  ".join(f"{STATUS[s]}: {counts[s]}" for s in STATUS))
        for problem in report.all_problems:
            level = "错误 error" if problem.level == importer.ERROR else "提示 warning"
            rows = problem.rows_text or "-"
            self.stdout.write(f"  [{level}] 行 rows {rows}  {problem.code or '-'}  {problem.zh} / {problem.en}")
