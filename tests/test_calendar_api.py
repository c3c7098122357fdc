import pytest


@pytest.mark.django_db
def test_due_date_skips_national_day_and_counts_make_up_saturday(client):
    r = client.get("/api/v1/calendar/due", {"start": "2026-09-30", "amount": 3, "unit": "workdays"}, HTTP_HOST="localhost")
    assert r.status_code == 200
    # Oct 1-7 are holidays; Oct 8, Oct 9 and the make-up Saturday Oct 10 are working days.
    assert r.json() == {"start": "2026-09-30", "amount": 3, "unit": "workdays", "due": "2026-10-10",
                        "provisional": False}


@pytest.mark.django_db
@pytest.mark.parametrize("start,amount,unit,due,provisional", [
    ("2026-12-28", 3, "workdays", "2026-12-31", False),
    # Into 2027, the year after the last official one: derived from the law until its notice is entered.
    ("2026-12-28", 20, "workdays", "2027-01-26", True),
    ("2026-12-28", 30, "workdays", "2027-02-15", True),
    ("2026-12-20", 20, "days", "2027-01-11", True),
])
def test_due_date_says_whether_it_is_provisional(client, start, amount, unit, due, provisional):
    r = client.get("/api/v1/calendar/due", {"start": start, "amount": amount, "unit": unit}, HTTP_HOST="localhost")
    assert r.status_code == 200
    assert r.json()["due"] == due and r.json()["provisional"] is provisional


@pytest.mark.django_db
@pytest.mark.parametrize("day,kind,name,provisional", [
    ("2026-10-03", "holiday", "国庆节", False),
    ("2026-10-10", "adjusted_workday", "国庆节", False),  # a make-up working day carries its festival's name
    ("2026-11-23", "workday", "", False),
    ("2027-02-05", "holiday", "春节", True),
    ("2027-02-09", "holiday", "春节（补假）", True),  # a provisional day off in lieu of the weekend in the break
    ("2027-03-01", "workday", "", True),
])
def test_day_has_its_name_and_whether_it_is_provisional(client, day, kind, name, provisional):
    r = client.get(f"/api/v1/calendar/days/{day}", HTTP_HOST="localhost")
    assert r.status_code == 200
    assert r.json() == {"date": day, "working": kind in ("workday", "adjusted_workday"), "kind": kind, "name": name,
                        "provisional": provisional}


@pytest.mark.django_db
def test_year_outside_calendar_is_422_with_bilingual_message(client):
    r = client.get("/api/v1/calendar/due", {"start": "2031-03-02", "amount": 3}, HTTP_HOST="localhost")
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "calendar_not_covered" and "2031" in body["message"] and "2031" in body["message_en"]


@pytest.mark.django_db
@pytest.mark.parametrize("day,kind,working", [
    ("2026-10-10", "adjusted_workday", True),
    ("2026-10-03", "holiday", False),
    ("2026-02-17", "holiday", False),
    ("2026-11-21", "weekend", False),
    ("2026-11-23", "workday", True),
])
def test_day_kind(client, day, kind, working):
    r = client.get(f"/api/v1/calendar/days/{day}", HTTP_HOST="localhost")
    assert r.status_code == 200
    assert r.json()["kind"] == kind and r.json()["working"] is working


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"start": "2026-13-01", "amount": 1}, {"start": "2026-01-01", "amount": -1},
                                    {"start": "2026-01-01", "amount": "x"}, {"start": "2026-01-01", "amount": 99999},
                                    {"start": "2026-01-01", "amount": 1, "unit": "fortnights"}])
def test_bad_calendar_input_is_422(client, params):
    r = client.get("/api/v1/calendar/due", params, HTTP_HOST="localhost")
    assert r.status_code == 422
    assert r.json()["message"] and r.json()["message_en"]


@pytest.mark.django_db
def test_malformed_day_is_422(client):
    r = client.get("/api/v1/calendar/days/2026-02-30", HTTP_HOST="localhost")
    assert r.status_code == 422
