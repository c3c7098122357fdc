"""The exchange pages (issue 19 part 2): the queue with counts, lag and dead letters for its manager, re-send and
give up from the row's page, the reconciliation of a day; who may see and do what; the dashboard's link."""
import pytest

from bianmin.core.models import AuditLog
from bianmin.exchange.models import OutboxRow, Status

from .exchange_helpers import link, rows
from .rating_helpers import finished_case
from .test_exchange_outbox import _rate


@pytest.fixture
def queued(world):
    link(world)
    case = finished_case(world)
    _rate(case)
    return case


def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_manager_sees_the_queue_with_its_lag(world, client, queued):
    page = signed_in(client, world.manager_a).get("/workbench/exchange/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-test="kpi-pending"' in html and f"{queued.number}/accept" in html
    assert "测试县" in html and "gbt39046-2020" in html  # the jurisdiction's link


def test_a_dead_letter_is_resent_from_its_page_and_logged(world, client, queued):
    dead = rows()[0]
    OutboxRow.objects.filter(pk=dead.pk).update(status=Status.DEAD, attempts=12, last_error="HTTP 400 受理时间格式错误")
    c = signed_in(client, world.manager_a)
    detail = c.get(f"/workbench/exchange/rows/{dead.pk}/").content.decode()
    assert "受理时间格式错误" in detail and 'data-test="resend"' in detail and "办件编号" in detail
    r = c.post(f"/workbench/exchange/rows/{dead.pk}/resend/")
    assert r.status_code == 302
    assert OutboxRow.objects.get(pk=dead.pk).status == Status.PENDING
    assert AuditLog.objects.filter(action="exchange.resend", object_id=str(dead.pk)).exists()


def test_giving_up_without_a_reason_is_refused_and_changes_nothing(world, client, queued):
    dead = rows()[0]
    OutboxRow.objects.filter(pk=dead.pk).update(status=Status.DEAD)
    c = signed_in(client, world.manager_a)
    r = c.post(f"/workbench/exchange/rows/{dead.pk}/give-up/", {"reason": ""})
    assert r.status_code == 422 and "放弃原因" in r.content.decode()
    assert OutboxRow.objects.get(pk=dead.pk).status == Status.DEAD
    c.post(f"/workbench/exchange/rows/{dead.pk}/give-up/", {"reason": "测试数据"})
    assert OutboxRow.objects.get(pk=dead.pk).status == Status.GIVEN_UP


def test_a_supervisor_sees_but_may_not_resend(world, client, queued):
    dead = rows()[0]
    OutboxRow.objects.filter(pk=dead.pk).update(status=Status.DEAD)
    c = signed_in(client, world.supervisor)
    assert 'data-test="resend"' not in c.get(f"/workbench/exchange/rows/{dead.pk}/").content.decode()
    assert c.post(f"/workbench/exchange/rows/{dead.pk}/resend/").status_code == 403
    assert OutboxRow.objects.get(pk=dead.pk).status == Status.DEAD


def test_clerks_and_other_sites_are_kept_out(world, client, queued):
    row = rows()[0]
    assert signed_in(client, world.clerk_a).get("/workbench/exchange/").status_code == 403
    client.logout()
    other = signed_in(client, world.manager_b)
    assert other.get(f"/workbench/exchange/rows/{row.pk}/").status_code == 404
    assert f"{queued.number}/accept" not in other.get("/workbench/exchange/").content.decode()


def test_a_row_not_built_yet_shows_its_preview(world, client, queued):
    row = rows(kind="rating")[0]
    html = signed_in(client, world.manager_a).get(f"/workbench/exchange/rows/{row.pk}/").content.decode()
    assert "满意度代码" in html and "报文预览" in html


def test_the_reconciliation_page_runs_for_the_manager(world, client, queued):
    c = signed_in(client, world.manager_a)
    assert c.get("/workbench/exchange/reconciliation/?date=not-a-date").status_code == 200
    r = c.post("/workbench/exchange/reconciliation/run/", {"date": "2026-11-20"})
    assert r.status_code == 302
    page = c.get("/workbench/exchange/reconciliation/?date=2026-11-20").content.decode()
    assert "未能对账" in page  # the test link points at a closed port: recorded as an error, not a crash


def test_the_dashboard_links_to_the_exchange_with_its_counts(world, client, queued):
    html = signed_in(client, world.manager_a).get("/workbench/stats/").content.decode()
    assert 'data-test="link-exchange"' in html and 'data-test="exchange-pending">3<' in html


def test_a_township_manager_does_not_reconcile_the_countys_jurisdiction(world, client, queued):
    from bianmin.exchange.models import Reconciliation

    c = signed_in(client, world.manager_b)
    c.post("/workbench/exchange/reconciliation/run/", {"date": "2026-11-20"})
    assert not Reconciliation.objects.exists()
    assert "测试县" not in c.get("/workbench/exchange/reconciliation/?date=2026-11-20").content.decode()


def test_the_admin_assigns_a_profile_to_a_jurisdiction_and_refuses_an_unknown_version(world):
    from bianmin.exchange.admin import ExchangeLinkForm

    data = {"unit": world.township.pk, "profile": "provincial-2023", "url": "https://upstream.example.gov.cn/api",
            "credentials_env": "BM_EXCHANGE_ZJ", "active": True, "timeout_seconds": 10}
    assert ExchangeLinkForm(data).is_valid()
    assert "profile_version" in ExchangeLinkForm({**data, "profile_version": 7}).errors
    assert "profile" in ExchangeLinkForm({**data, "profile": "no-such"}).errors
    assert "credentials_env" in ExchangeLinkForm({**data, "credentials_env": "BM EXCHANGE; rm"}).errors
