"""jurisdiction_id (GeoReport v2): a jurisdiction is a region of the unit tree named by its 9-digit division
code, covering its subregions. Known: every answer is restricted to it; unknown: 404 in the spec's error format;
required (400) only when the tree has several top regions. A key bound to a jurisdiction files only there."""
import pytest
from django.core.cache import cache

from bianmin.hotline.models import DispatchCategory, WorkOrder
from bianmin.orgs.models import Unit

from .open311_helpers import BASE, error_of, issue, post

pytestmark = pytest.mark.django_db

COUNTY, OTHER_COUNTY, CITY, TOWNSHIP = "990101000", "990102000", "990100000", "990101001"


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def two_counties(hw, client_for):
    """The county's categories (tests/world.py) and one of the neighbouring county's, with a request filed in each."""
    transport = Unit.objects.create(name="邻县交通运输局", level=Unit.Level.COUNTY, kind=Unit.Kind.DEPARTMENT,
                                    parent=hw.base.other_county)
    DispatchCategory.objects.create(code="LXJT", name="邻县交通", department=transport)
    issue()
    client = client_for()
    here = post(client).json()[0]["service_request_id"]
    there = post(client, service_code="LXJT").json()[0]["service_request_id"]
    return {"here": here, "there": there}


def codes(client, query=""):
    r = client.get(f"{BASE}/services.json{query}")
    assert r.status_code == 200, r.content.decode()
    return {s["service_code"] for s in r.json()}


def numbers(client, query=""):
    r = client.get(f"{BASE}/requests.json{query}")
    assert r.status_code == 200, r.content.decode()
    return {row["service_request_id"] for row in r.json()}


def test_a_request_belongs_to_the_region_of_its_department(hw, two_counties):
    assert WorkOrder.objects.get(number=two_counties["here"]).region == hw.base.county
    assert WorkOrder.objects.get(number=two_counties["there"]).region == hw.base.other_county


def test_a_known_jurisdiction_restricts_the_services(hw, client, two_counties):
    county = {"SHJZ", "BDC", "HJ", "CKTS", "XNTS"}
    assert codes(client) == county | {"LXJT"}  # one top region: jurisdiction_id is optional
    assert codes(client, f"?jurisdiction_id={COUNTY}") == county
    assert codes(client, f"?jurisdiction_id={OTHER_COUNTY}") == {"LXJT"}
    assert codes(client, f"?jurisdiction_id={CITY}") == county | {"LXJT"}  # a region covers its subregions
    assert codes(client, f"?jurisdiction_id={TOWNSHIP}") == set()
    assert client.get(f"{BASE}/services/SHJZ.json?jurisdiction_id={COUNTY}").status_code == 200
    error_of(client.get(f"{BASE}/services/LXJT.json?jurisdiction_id={COUNTY}"), 404)


def test_a_known_jurisdiction_restricts_the_requests(hw, client, two_counties):
    here, there = two_counties["here"], two_counties["there"]
    assert numbers(client) == {here, there}
    assert numbers(client, f"?jurisdiction_id={COUNTY}") == {here}
    assert numbers(client, f"?jurisdiction_id={OTHER_COUNTY}") == {there}
    assert numbers(client, f"?jurisdiction_id={CITY}") == {here, there}
    # A list of ids overrides the filters, not the jurisdiction.
    assert numbers(client, f"?jurisdiction_id={COUNTY}&service_request_id={here},{there}") == {here}
    assert client.get(f"{BASE}/requests/{here}.json?jurisdiction_id={COUNTY}").status_code == 200
    error_of(client.get(f"{BASE}/requests/{there}.json?jurisdiction_id={COUNTY}"), 404)


@pytest.mark.parametrize("value", ["999999999", "city.gov", "99010100", "9901010000", "９９０１０１０００", "' OR 1=1"])
@pytest.mark.parametrize("path", ["/services.{}", "/services/SHJZ.{}", "/requests.{}", "/requests/RX1.{}"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_jurisdiction_is_a_404_in_the_spec_format(hw, client, value, path, fmt):
    r = client.get(BASE + path.format(fmt), {"jurisdiction_id": value})
    assert "jurisdiction_id" in error_of(r, 404, fmt)


def test_a_department_is_not_a_jurisdiction(hw, client):
    hw.land.division_code = "990101777"
    hw.land.save()
    error_of(client.get(f"{BASE}/services.json?jurisdiction_id=990101777"), 404)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_post_to_an_unknown_jurisdiction_is_a_404_and_stores_nothing(hw, client, fmt):
    issue()
    assert "jurisdiction_id" in error_of(post(client, fmt, jurisdiction_id="999999999"), 404, fmt)
    assert not WorkOrder.objects.exists()


def test_a_post_files_only_services_of_its_jurisdiction(hw, client, two_counties):
    before = WorkOrder.objects.count()
    assert "jurisdiction" in error_of(post(client, service_code="LXJT", jurisdiction_id=COUNTY), 400)
    assert WorkOrder.objects.count() == before
    r = post(client, jurisdiction_id=COUNTY)
    assert r.status_code == 201
    assert post(client, query=f"?jurisdiction_id={OTHER_COUNTY}", service_code="LXJT").status_code == 201


def test_a_key_bound_to_a_jurisdiction_files_only_there(hw, client, two_counties):
    bound_key = "o311_" + "b" * 43
    issue("县融媒体中心", key=bound_key, jurisdiction=hw.base.county)
    before = WorkOrder.objects.count()
    assert "jurisdiction" in error_of(post(client, api_key=bound_key, service_code="LXJT"), 400)
    error_of(post(client, api_key=bound_key, service_code="LXJT", jurisdiction_id=OTHER_COUNTY), 403)
    error_of(post(client, api_key=bound_key, jurisdiction_id=CITY), 403)  # wider than its own
    assert WorkOrder.objects.count() == before
    assert post(client, api_key=bound_key).status_code == 201
    assert post(client, api_key=bound_key, jurisdiction_id=COUNTY).status_code == 201


def test_with_several_top_regions_the_jurisdiction_is_required(hw, client):
    Unit.objects.create(name="另一省", level=Unit.Level.PROVINCE, division_code="980000000")
    issue()
    for path in ("/services.json", "/services/SHJZ.json", "/requests.json", "/requests/RX1.json"):
        assert "jurisdiction_id" in error_of(client.get(BASE + path), 400), path
    assert "jurisdiction_id" in error_of(post(client), 400)
    assert not WorkOrder.objects.exists()
    assert codes(client, f"?jurisdiction_id={COUNTY}") == {"SHJZ", "BDC", "HJ", "CKTS", "XNTS"}
    assert codes(client, "?jurisdiction_id=980000000") == set()
    assert post(client, jurisdiction_id=COUNTY).status_code == 201
