"""Open311 POST is a public write: it needs an api_key issued per client in the admin (GeoReport v2: POST
"Requires API Key: Yes"; 403 for a missing or invalid key). The key is shown once and stored as a digest, and
never reaches a log or an error report. The GETs stay public."""
import logging
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import RequestFactory
from django.views.debug import SafeExceptionReporterFilter

from bianmin.core.models import AuditLog, Notification
from bianmin.hotline import open311
from bianmin.hotline.models import Open311Client, WorkOrder, WorkOrderEvent

from .open311_helpers import BASE, FORM, KEY, error_of, issue, post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()  # the per-address POST limit counts in the cache
    yield
    cache.clear()


def nothing_stored():
    return not WorkOrder.objects.exists() and not WorkOrderEvent.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize("key", [None, "", "not-a-key", KEY + "x", "o311_" + "k" * 42])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_post_without_a_valid_key_is_refused_with_403_and_stores_nothing(hw, client, key, fmt):
    issue()
    assert "api_key" in error_of(post(client, fmt, api_key=key), 403, fmt)
    assert nothing_stored()


def test_a_post_with_a_key_is_filed_and_names_the_client_in_the_history(hw, client):
    holder = issue("市民通 App")
    r = post(client)
    assert r.status_code == 201, r.content.decode()
    order = WorkOrder.objects.get(number=r.json()[0]["service_request_id"])
    event = WorkOrderEvent.objects.get(order=order)
    assert event.data == {"channel": "web", "category": "SHJZ", "type": "ordinary", "via": "open311",
                          "client": "市民通 App"}
    holder.refresh_from_db()
    assert holder.last_used_at is not None


def test_a_switched_off_key_is_refused(hw, client):
    holder = issue(active=False)
    assert "switched off" in error_of(post(client), 403)
    assert nothing_stored()
    holder.active = True
    holder.save()
    assert post(client).status_code == 201


def test_a_replaced_key_stops_working_at_once(hw, client):
    holder = issue()
    new = holder.new_key()
    holder.save()
    error_of(post(client), 403)
    assert post(client, api_key=new).status_code == 201
    assert WorkOrder.objects.count() == 1


def test_a_key_in_the_url_is_refused_and_the_holder_told_to_replace_it(hw, client):
    issue()
    description = error_of(post(client, query=f"?api_key={KEY}", api_key=None), 403)
    assert "URL" in description and "replaced" in description
    assert nothing_stored()


def test_only_a_digest_of_the_key_is_stored(hw):
    holder = Open311Client(name="客户端")
    key = holder.new_key()
    holder.save()
    assert re.fullmatch(r"o311_[A-Za-z0-9_-]{43}", key)
    row = Open311Client.objects.filter(pk=holder.pk).values().get()
    assert key not in str(row) and row["key_hash"] == Open311Client.digest(key) and row["key_prefix"] == key[:12]
    assert Open311Client.holding(key) == holder
    assert Open311Client(name="另一个").new_key() != key


def test_gets_need_no_key(hw, client):
    for path in ("/services.json", "/services/SHJZ.xml", "/requests.json", "/requests.xml"):
        assert client.get(BASE + path).status_code == 200, path
    error_of(client.get(f"{BASE}/requests/RX1.json"), 404)


def test_neither_the_key_nor_the_email_is_ever_logged(hw, client, caplog):
    caplog.set_level(logging.DEBUG)
    issue()
    issue("停用的", key="o311_" + "s" * 43, active=False)
    post(client)
    post(client, api_key="o311_" + "s" * 43)
    post(client, api_key="o311_" + "u" * 43)
    post(client, query=f"?api_key={KEY}")
    post(client, email="not an e-mail")
    text = caplog.text
    assert "Open311 request RX" in text and "unknown api_key" in text and "switched off" in text
    for secret in (KEY, "o311_" + "s" * 43, "o311_" + "u" * 43, FORM["email"], "not an e-mail", FORM["phone"]):
        assert secret not in text, secret


def test_error_reports_hide_every_post_parameter(hw):
    """Django's error reports (mail to ADMINS, the debug page) show a request's POST: not this one's."""
    issue()
    request = RequestFactory().post(f"{BASE}/requests.json", {**FORM, "api_key": KEY})
    response = open311.requests_view(request, fmt="json")
    assert response.status_code == 201
    shown = SafeExceptionReporterFilter().get_post_parameters(request)
    assert set(shown) == {*FORM, "api_key"} and set(shown.values()) == {"********************"}


# ---------------------------------------------------------------- the admin

@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "x")


def key_on(page: str) -> str:
    keys = re.findall(r"<code>(o311_[A-Za-z0-9_-]+)</code>", page)
    assert len(keys) == 1, keys
    return keys[0]


def test_the_admin_issues_a_key_shown_once_and_audited(hw, client_for, root):
    admin = client_for(root)
    r = admin.post("/admin/hotline/open311client/add/", {"name": "市民通 App", "jurisdiction": hw.base.county.pk,
                                                          "active": "on"})
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    page = r.content.decode()
    key = key_on(page)
    assert "只显示这一次" in page
    holder = Open311Client.objects.get()
    assert (holder.name, holder.jurisdiction, holder.key_hash) == ("市民通 App", hw.base.county,
                                                                   Open311Client.digest(key))
    assert key not in admin.get(f"/admin/hotline/open311client/{holder.pk}/change/").content.decode()
    assert key not in admin.get("/admin/hotline/open311client/").content.decode()
    assert AuditLog.objects.filter(action="open311_key", object_id=str(holder.pk), actor=root).count() == 1
    anonymous = client_for()
    assert post(anonymous, api_key=key).status_code == 201


def test_the_admin_replaces_a_lost_key(hw, client_for, root):
    holder = issue()
    admin = client_for(root)
    r = admin.post("/admin/hotline/open311client/", {"action": "replace_keys", "_selected_action": [holder.pk]})
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    new = key_on(r.content.decode())
    assert new != KEY
    anonymous = client_for()
    error_of(post(anonymous), 403)
    assert post(anonymous, api_key=new).status_code == 201
    assert AuditLog.objects.filter(action="open311_key", reason__startswith="replaced").count() == 1


def test_clients_are_switched_off_not_deleted(hw, client_for, root):
    holder = issue()
    admin = client_for(root)
    assert admin.get(f"/admin/hotline/open311client/{holder.pk}/delete/").status_code == 403


def test_the_work_order_admin_never_shows_the_callers_email(hw, client_for, root):
    issue()
    number = post(client_for()).json()[0]["service_request_id"]
    order = WorkOrder.objects.get(number=number)
    assert order.caller_email == FORM["email"]
    page = client_for(root).get(f"/admin/hotline/workorder/{order.pk}/change/").content.decode()
    assert number in page and FORM["email"] not in page and FORM["phone"] not in page
