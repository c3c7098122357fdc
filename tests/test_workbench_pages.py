"""Staff pages: each transition is reachable from the case page and uses the same services."""
import datetime as dt

import pytest

from bianmin.cases.models import Case, FirstContact

from .case_helpers import act, register


@pytest.fixture
def monday(set_now):
    return set_now(dt.datetime(2026, 11, 23, 10))


def test_queue_and_new_case_form_load_for_clerk(world, client_for):
    c = client_for(world.clerk_a)
    assert c.get("/workbench/").status_code == 200
    page = c.get("/workbench/cases/new/").content.decode()
    assert world.item_committed.code in page


def test_register_accept_complete_through_the_pages(world, client_for, monday):
    c = client_for(world.clerk_a)
    r = c.post("/workbench/cases/new/", {"item_code": world.item_committed.code, "applicant_name": "周阿姨",
                                         "applicant_phone": "13700001111"})
    case = Case.objects.get(applicant_name="周阿姨")
    assert r.status_code == 302 and r["Location"].endswith(f"/workbench/cases/{case.pk}/")
    page = c.get(r["Location"]).content.decode()
    for action in ("accept", "reject", "request_supplement", "answer_consultation", "route_out"):
        assert f'data-action="{action}"' in page
    c.post(f"/workbench/cases/{case.pk}/accept/")
    case.refresh_from_db()
    assert case.status == "accepted"
    page = c.get(f"/workbench/cases/{case.pk}/").content.decode()
    assert "2026-11-30" in page
    for action in ("extend", "hand_over", "complete", "request_supplement"):
        assert f'data-action="{action}"' in page
    c.post(f"/workbench/cases/{case.pk}/complete/", {"result": "准予", "delivery": "window", "approved": "1"})
    case.refresh_from_db()
    assert case.status == "completed" and case.approved is True


def test_page_shows_bilingual_error_and_changes_nothing(world, client_for, monday):
    c = client_for(world.clerk_a)
    c.post("/workbench/cases/new/", {"item_code": world.item_committed.code, "applicant_name": "周阿姨"})
    case = Case.objects.get()
    r = c.post(f"/workbench/cases/{case.pk}/reject/", {"ground": "main_missing", "reason": ""})
    assert r.status_code == 422
    html = r.content.decode()
    assert "请填写书面理由" in html and "Written reason is required" in html
    case.refresh_from_db()
    assert case.status == "registered"
    r = c.post(f"/workbench/cases/{case.pk}/complete/", {"result": "x", "delivery": "window"})
    assert r.status_code == 409
    assert c.get(f"/workbench/cases/{case.pk}/complete/").status_code == 405


def test_new_case_bad_input_keeps_nothing(world, client_for):
    r = client_for(world.clerk_a).post("/workbench/cases/new/", {"item_code": "NOPE", "applicant_name": "x"})
    assert r.status_code == 422 and Case.objects.count() == 0


def test_printed_notices_render(world, api_for, client_for, monday):
    clerk = api_for(world.clerk_a)
    case = act(clerk, register(clerk, world.item_committed)["id"], "accept")
    c = client_for(world.clerk_a)
    receipt = case["notices"][0]
    html = c.get(f"/workbench/notices/{receipt['id']}/").content.decode()
    assert "受理通知书" in html and receipt["number"] in html and "2026-11-30" in html
    case = act(clerk, case["id"], "request_supplement", {"materials": ["收入证明", "租房合同"], "deadline": "2026-12-04"})
    sup = next(n for n in case["notices"] if n["kind"] == "supplement")
    html = c.get(f"/workbench/notices/{sup['id']}/").content.decode()
    assert "收入证明" in html and "租房合同" in html and "2026-12-04" in html
    # Someone from another site cannot print it.
    assert client_for(world.manager_b).get(f"/workbench/notices/{sup['id']}/").status_code == 404


def test_first_contact_log(world, client_for):
    c = client_for(world.clerk_a)
    r = c.post("/workbench/first-contacts/", {"visitor_name": "路人", "question": "公积金在哪里办", "outcome": "guided",
                                              "guided_to_window": world.window_a.pk, "guided_to_person": "王小红"})
    assert r.status_code == 302
    fc = FirstContact.objects.get()
    assert fc.owner == world.clerk_a and fc.guided_to_window == world.window_a
    r = c.post("/workbench/first-contacts/", {"visitor_name": "路人", "question": "问路", "outcome": "guided"})
    assert r.status_code == 422 and FirstContact.objects.count() == 1


def test_first_contact_log_is_paged_newest_first_and_masks_numbers_in_questions(world, client_for):
    from bianmin.cases.views import FIRST_CONTACTS_PER_PAGE

    c = client_for(world.clerk_a)
    for n in range(FIRST_CONTACTS_PER_PAGE + 2):
        assert c.post("/workbench/first-contacts/", {"visitor_name": f"来访{n}", "outcome": "answered",
                                                     "question": f"第{n}问 回电13912345678"}).status_code == 302
    first = c.get("/workbench/first-contacts/").content.decode()
    assert f"来访{FIRST_CONTACTS_PER_PAGE + 1}<" in first and "来访0<" not in first and 'rel="next"' in first
    assert "13912345678" not in first and "139****5678" in first
    second = c.get("/workbench/first-contacts/?page=2").content.decode()
    assert "来访0<" in second and "来访1<" in second and 'rel="prev"' in second


def test_site_overview_for_manager_only(world, api_for, client_for, set_now):
    set_now(dt.datetime(2026, 11, 23, 10))
    clerk = api_for(world.clerk_a)
    act(clerk, register(clerk, world.item_committed)["id"], "accept")
    set_now(dt.datetime(2026, 12, 2, 10))
    page = client_for(world.manager_a).get("/workbench/site/")
    assert page.status_code == 200
    html = page.content.decode()
    assert world.site_a.name in html and "综合窗口" in html and "王小红" in html
    assert client_for(world.clerk_a).get("/workbench/site/").status_code == 404
    assert client_for(world.manager_b).get(f"/workbench/site/?site={world.site_a.pk}").content.decode().count(
        world.site_a.name) == 0


def test_user_without_role_gets_a_clear_page(world, client_for):
    r = client_for(world.outsider).get("/workbench/")
    assert r.status_code == 403 and "尚未分配岗位" in r.content.decode()


def test_english_is_available(world, client_for):
    c = client_for(world.clerk_a)
    c.post("/i18n/setlang/", {"language": "en", "next": "/workbench/"})
    html = c.get("/workbench/").content.decode()
    assert 'lang="en"' in html
