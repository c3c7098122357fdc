"""The hall pages render for the people they are for, and refuse the others (issue 16 points 1–2)."""
import pytest

pytestmark = pytest.mark.django_db

PAGES = ["/workbench/hall/", "/workbench/hall/leave/", "/workbench/hall/board/", "/workbench/hall/hours/",
         "/workbench/hall/attendance/", "/workbench/hall/attendance/import/"]


@pytest.mark.parametrize("url", PAGES)
def test_the_manager_sees_every_hall_page(world, client_for, url):
    response = client_for(world.manager_a).get(url)
    assert response.status_code == 200, response.content[:500]


@pytest.mark.parametrize("url,status", [
    ("/workbench/hall/", 200), ("/workbench/hall/leave/", 200), ("/workbench/hall/attendance/", 200),
    ("/workbench/hall/board/", 403), ("/workbench/hall/hours/", 403), ("/workbench/hall/attendance/import/", 403)])
def test_a_clerk_sees_their_own_pages_only(world, client_for, url, status):
    assert client_for(world.clerk_a).get(url).status_code == status


@pytest.mark.parametrize("url", PAGES)
def test_people_without_a_post_or_a_site_to_manage_are_refused(world, client_for, url):
    assert client_for(world.supervisor).get(url).status_code == 403
    assert client_for(world.outsider).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302


def test_the_nav_links_to_the_hall_for_window_staff(world, client_for):
    assert b'data-test="nav-hall"' in client_for(world.clerk_a).get("/workbench/").content
    assert b'data-test="nav-hall"' not in client_for(world.supervisor).get("/workbench/").content
