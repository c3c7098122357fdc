"""`python manage.py demo`: load the demo county, centres, items and sign-ins (demo data only)."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

MAX_HISTORY_MONTHS = 24  # two years of generated history take minutes to load; more is not a demo any more


class Command(BaseCommand):
    help = "加载演示数据（澄溪县：政务服务中心、便民服务中心、窗口、工作人员、事项、演示办件、12345 热线工单、近几个月的历史数据和演示账号）。可重复执行，不会产生重复数据。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="不输出汇总信息")
        parser.add_argument("--history-months", type=int, default=None, metavar="N",
                            help="生成当月之前 N 个整月（另加本月至今）的历史数据，默认取 BIANMIN_DEMO_HISTORY_MONTHS（6）；"
                                 "历史数据只生成一次")
        parser.add_argument("--no-history", action="store_true", help="不生成历史数据")

    def handle(self, *args, quiet: bool = False, history_months: int | None = None, no_history: bool = False,
               **options):
        from bianmin.demo.loader import load
        from bianmin.demo.users import DEMO_PASSWORD

        if history_months is not None and not 0 <= history_months <= MAX_HISTORY_MONTHS:
            raise CommandError(f"--history-months 须在 0 到 {MAX_HISTORY_MONTHS} 之间")
        progress = None if quiet else _Progress(self.stderr)
        summary = load(-1 if no_history else history_months, progress)
        if progress:
            progress.end()
        if quiet:
            return
        c = summary.counts
        created = sum(summary.created.values())
        out = self.stdout.write
        out(self.style.SUCCESS(f"演示数据已就绪（本次新建 {created} 条记录，发布指南 {summary.published} 份）"))
        out(f"  单位 {c['units']}（乡镇/街道 {c['townships']}，村/社区 {c['villages']}，县直部门 {c['departments']}）")
        out(f"  服务场所 {c['sites']} · 窗口 {c['windows']} · 工作人员 {c['staff']} · 事项 {c['items']}")
        out(f"  演示办件 {c['cases']}（本次新建 {summary.created['case']} 件，近三周的受理、办结、预警和超期）")
        if summary.created["rating"]:
            out(f"  好差评 {summary.created['rating']} 条，其中差评 {summary.created['ticket']} 条已生成整改工单"
                "（最近办结的 3 件留待您亲自评价）")
        if summary.created["workorder"]:
            out(f"  12345 热线工单 {summary.created['workorder']} 件（受理、派单、退回改派、延期、回访和超期督办）")
        history = summary.history
        if history is not None and history.created:
            out(f"  历史数据（{history.first_day:%Y年%m月%d日}起）：办件 {history.cases} 件，评价 {history.ratings} 条"
                f"（差评 {history.bad} 条，整改工单 {history.tickets_open} 件仍在办理），12345 热线工单 {history.orders} 件，"
                f"工作人员账号 {history.accounts} 个")
        if summary.rollup_days:
            out(f"  统计汇总已更新（{summary.rollup_days} 天）")
        for note in summary.notes:
            out(self.style.WARNING(f"  注意：{note}"))
        out(f"演示账号（仅限演示数据，密码均为 {DEMO_PASSWORD}）：")
        width = max(len(name) for name, _note in summary.sign_ins)
        for name, note in summary.sign_ins:
            out(f"  {name.ljust(width)}  {note}")


class _Progress:
    """Where loading stands, on stderr: one line rewritten in place on a terminal, a line per stage elsewhere."""

    def __init__(self, stream) -> None:
        self.stream, self.tty = stream, stream.isatty()

    def __call__(self, stage: str, done: int | None = None, total: int | None = None) -> None:
        text = f"演示数据：{stage}" + (f" {done:,}/{total:,}" if total else "") + " …"
        if self.tty:
            self._write(f"\r\033[K{text}")
        elif done is None:
            self._write(text + "\n")

    def end(self) -> None:
        if self.tty:
            self._write("\r\033[K")

    def _write(self, text: str) -> None:
        self.stream.write(text, style_func=lambda x: x, ending="")
        self.stream.flush()
