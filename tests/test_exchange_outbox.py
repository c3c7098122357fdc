"""The outbox (issue 19 part 2): every record that must go upstream writes its row in the transaction of the change
itself — a rating, a case's acceptance, special procedure and completion, a ticket's steps, an answered complaint —
and nothing is written where no upstream is linked or for a rating nobody gave."""
import pytest
from django.db import transaction

from bianmin.cases import services as case_services
from bianmin.exchange.models import Kind, OutboxRow, Status
from bianmin.ratings import services as rating_services
from bianmin.ratings.models import Channel, Rating, Stage

from .exchange_helpers import keys, link, rows
from .rating_helpers import finished_case


def _rate(case, level="very_satisfied", channel=Channel.QR, stage=Stage.COMPLETE, **fields):
    data = rating_services.clean_input(level, None, "办得很快")
    return rating_services.store(rating_services.rating_for_case(case, stage, data, channel=channel, **fields))[0]


def test_a_case_accepted_and_completed_queues_both_in_order(world):
    link(world)
    case = finished_case(world)
    assert keys(order_key=case.number) == [f"{case.number}/accept", f"{case.number}/complete"]
    accept, complete = rows(order_key=case.number)
    assert (accept.kind, complete.kind) == (Kind.CASE_ACCEPT, Kind.CASE_COMPLETE)
    assert accept.status == Status.PENDING and accept.payload is None  # built by the worker, at the first attempt
    assert accept.site_id == world.site_a.pk and accept.unit_path == world.county.path


def test_a_rating_writes_its_row_in_the_same_transaction(world):
    link(world)
    case = finished_case(world)
    rating = _rate(case)
    row = OutboxRow.objects.get(kind=Kind.RATING)
    assert (row.record_id, row.key, row.order_key) == (rating.pk, f"{case.number}/rating/complete", case.number)


def test_a_rating_rolled_back_leaves_no_outbox_row(world):
    link(world)
    case = finished_case(world)
    with pytest.raises(RuntimeError), transaction.atomic():
        _rate(case)
        raise RuntimeError("the request failed after the insert")
    assert not Rating.objects.filter(case=case).exists()
    assert not OutboxRow.objects.filter(kind=Kind.RATING).exists()


def test_a_failing_outbox_write_rolls_the_rating_back(world, monkeypatch):
    link(world)
    case = finished_case(world)
    from bianmin.exchange import writer

    def broken(*args, **kwargs):
        raise RuntimeError("outbox table unavailable")

    monkeypatch.setattr(writer.OutboxRow.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        _rate(case)
    assert not Rating.objects.filter(case=case).exists()


def test_nothing_is_queued_where_no_upstream_is_linked(world):
    link(world, unit=world.other_county)
    case = finished_case(world)
    _rate(case)
    assert not OutboxRow.objects.exists()


def test_a_nearer_link_wins_over_the_one_above(world):
    link(world, unit=world.county, url="http://127.0.0.1:9/county")
    city = world.county.parent
    link(world, unit=city, url="http://127.0.0.1:9/city")
    case = finished_case(world)
    assert {r.link.url for r in rows(order_key=case.number)} == {"http://127.0.0.1:9/county"}


def test_a_default_rating_is_never_sent_as_a_given_one(world):
    link(world)
    case = finished_case(world)
    _rate(case, channel=Channel.SYSTEM, is_default=True)
    assert not OutboxRow.objects.filter(kind=Kind.RATING).exists()


def test_a_default_rating_goes_only_where_link_and_profile_allow_it(world):
    link(world, profile="provincial-2023", send_default_ratings=True)
    case = finished_case(world)
    _rate(case, channel=Channel.SYSTEM, is_default=True)
    assert OutboxRow.objects.filter(kind=Kind.RATING).count() == 1


def test_a_profile_that_takes_no_complaints_gets_none(world):
    link(world, profile="provincial-2023")
    case = finished_case(world)
    assert keys() == [f"{case.number}/accept", f"{case.number}/complete"]


def test_the_same_event_twice_is_queued_once(world):
    link(world)
    case = finished_case(world)
    from bianmin.core import outbox

    with transaction.atomic():
        outbox.record("case_accept", case)
    assert keys(kind=Kind.CASE_ACCEPT) == [f"{case.number}/accept"]


def test_a_special_procedure_queues_its_start_and_end(world):
    link(world)
    clerk = world.clerk_a
    case = case_services.register_case(clerk, site=world.site_a, item=world.item_committed,
                                       applicant={"name": "刘德华", "phone": "13812345678"})
    case_services.transition(case.pk, "accept", clerk, {})
    case_services.transition(case.pk, "start_special_procedure", world.manager_a,
                             {"kind": "site_survey", "planned_workdays": 3, "note": "现场勘察"})
    case_services.transition(case.pk, "end_special_procedure", world.manager_a, {"result": "勘察合格"})
    special = keys(kind=Kind.CASE_SPECIAL)
    assert len(special) == 2 and special[0].endswith("/start") and special[1].endswith("/end")
    assert all(k.startswith(f"{case.number}/special/") for k in special)


def test_a_rating_through_a_token_costs_no_extra_query_for_its_outbox_row(world):
    """The token path loads only the case columns it needs (ratings.services.RATE_FIELDS); the outbox row must not
    send it back for more (the case number)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bianmin.ratings import services

    link(world)
    case = finished_case(world)
    token = services.rating_link(case).token
    with CaptureQueriesContext(connection) as queries:
        services.submit_with_token(token, level="satisfied")
    assert not [q for q in queries.captured_queries if '"cases_case"."number"' in q["sql"]
                and "WHERE" in q["sql"] and '"cases_case"."id" =' in q["sql"] and "INNER JOIN" not in q["sql"]]
    assert OutboxRow.objects.filter(kind=Kind.RATING).count() == 1
