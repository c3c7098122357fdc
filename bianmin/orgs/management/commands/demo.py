"""`python manage.py demo`: load the demo county, centres, items and sign-ins (demo data only)."""
from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "加载演示数据（澄溪县：政务服务中心、便民服务中心、窗口、工作人员、事项、演示办件、12345 热线工单和演示账号）。可重复执行，不会产生重复数据。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="不输出汇总信息")

    def handle(self, *args, quiet: bool = False, **options):
        from bianmin.demo.loader import load
        from bianmin.demo.users import DEMO_PASSWORD

        summary = load()
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
        for note in summary.notes:
            out(self.style.WARNING(f"  注意：{note}"))
        out(f"演示账号（仅限演示数据，密码均为 {DEMO_PASSWORD}）：")
        width = max(len(name) for name, _note in summary.sign_ins)
        for name, note in summary.sign_ins:
            out(f"  {name.ljust(width)}  {note}")
