"""The Excel rectification ledger (issue 15, point 6): it says what the rater said (评价内容), who answers for it
(责任人), what was done (整改措施) and what the rater was told (反馈内容), numbers inside the text masked, and it
opens with columns wide enough to read."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from bianmin.orgs.people import name_of
from bianmin.rectification import export

from .ticket_helpers import bad_rating, ticket_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(world):
    t = ticket_of(bad_rating(world, phone="13812345678"))
    t.assignee = world.clerk_a
    t.outcome, t.outcome_note = "ledger", "改造叫号系统，咨询请拨 13900001111"
    t.feedback_text = "已向您致歉并说明整改安排"
    t.save()
    return t


def _sheet(client):
    r = client.get("/workbench/tickets/export.xlsx")
    assert r.status_code == 200
    return load_workbook(io.BytesIO(r.content)).active


def test_ledger_has_the_said_the_responsible_person_the_measures_and_the_feedback(world, client_for, ticket):
    ws = _sheet(client_for(world.supervisor))
    header, *rows = [list(r) for r in ws.iter_rows(values_only=True)]
    mine = next(r for r in rows if r[0] == ticket.number)
    value = dict(zip(header, mine, strict=True))
    assert value["评价内容"] == "办事太慢"
    assert name_of(world.clerk_a) in value["责任人"]
    assert value["整改措施"].startswith("改造叫号系统") and "139****1111" in value["整改措施"]
    assert value["反馈内容"] == "已向您致歉并说明整改安排"
    assert "13900001111" not in " ".join(str(c) for c in mine)


def test_ledger_columns_are_wide_enough_to_read_and_long_text_wraps(world, client_for, ticket):
    ws = _sheet(client_for(world.supervisor))
    header = [c.value for c in ws[1]]
    width = {title: ws.column_dimensions[chr(ord("A") + i)].width for i, title in enumerate(header)}
    assert all(w >= 8 for w in width.values()), width
    assert width["工单编号"] >= 18 and width["评价内容"] >= 30 and width["整改措施"] >= 30 and width["反馈内容"] >= 30
    measures = ws.cell(row=2, column=header.index("整改措施") + 1)
    assert measures.alignment.wrap_text
    assert ws.freeze_panes == "B2"


def test_report_ledger_has_the_same_columns():
    assert export.headers()[:1] == ["工单编号"] and len(export.headers()) == len(export.widths())
    for title in ("评价内容", "责任人", "整改措施", "反馈内容"):
        assert title in export.headers()
