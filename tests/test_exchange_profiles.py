"""Profiles and their payloads (issue 19 part 1): golden files per profile and kind, the national profile's keys
checked against the data item names of GB/T 39046 (../shared/standards/gbt39046-fields.md, copied in
tests/golden/exchange/gbt39046-items.txt), the code tables that run the other way in the provincial profile, and
the length and required-field rules. Regenerate a golden file only after reviewing the change:
    BIANMIN_REGOLD=1 pytest tests/test_exchange_profiles.py"""
import json
import os
from pathlib import Path

import pytest

from bianmin.core.errors import InvalidInput
from bianmin.exchange import mapping, profiles

from .exchange_facts import FACTS

GOLDEN = Path(__file__).with_name("golden") / "exchange"
# Items that are ours, not the standard's (Table 1 allows extension): the link of a rectification to its case and
# step, and a complaint's number (表10 has no complaint id).
EXTENSIONS = {"rectification": {"办件编号", "整改环节", "核实结论"}, "complaint": {"投诉编号"}}


def _cases():
    return [(p.name, p.version, kind) for p in profiles.all_profiles() for kind in p.kinds]


@pytest.mark.parametrize("name,version,kind", _cases())
def test_the_payload_matches_its_golden_file(name, version, kind):
    built = mapping.build(profiles.get(name, version), kind, FACTS[kind])
    assert not built.refused, built.report()
    path = GOLDEN / f"{name}.v{version}" / f"{kind}.json"
    text = json.dumps(built.payload, ensure_ascii=False, indent=1) + "\n"
    if os.environ.get("BIANMIN_REGOLD"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; review the payload and run with BIANMIN_REGOLD=1"
    assert text == path.read_text(encoding="utf-8")


def _standard_items() -> dict[str, set[str]]:
    """Data item names per dataset table of GB/T 39046, from the reference's tables (| # | name | …)."""
    items, table = {}, None
    for line in (GOLDEN / "gbt39046-items.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("### Table"):
            table = line.split()[2]
            items[table] = set()
        elif table and line.startswith("| ") and line.split("|")[1].strip().isdigit():
            items[table].add(line.split("|")[2].strip())
    return items


NATIONAL_TABLES = {"rating": "9", "case_accept": "6", "case_special": "7", "case_complete": "8",
                   "rectification": "10", "complaint": "10"}


@pytest.mark.parametrize("kind", sorted(NATIONAL_TABLES))
def test_every_national_key_is_a_data_item_of_its_table(kind):
    table = _standard_items()[NATIONAL_TABLES[kind]]
    keys = [f["key"] for f in profiles.get("gbt39046-2020").records[kind]["fields"]]
    unknown = set(keys) - table - EXTENSIONS.get(kind, set())
    assert not unknown, f"{kind}: not data items of 表{NATIONAL_TABLES[kind]}: {unknown}"
    assert len(keys) == len(set(keys))


def test_the_national_rating_table_is_complete():
    keys = {f["key"] for f in profiles.get("gbt39046-2020").records["rating"]["fields"]}
    assert keys == _standard_items()["9"]


@pytest.mark.parametrize("level,code", [("very_satisfied", "1"), ("satisfied", "2"), ("basic", "3"),
                                        ("dissatisfied", "4"), ("very_dissatisfied", "5")])
def test_national_satisfaction_codes_run_from_best_to_worst(level, code):
    payload = mapping.build(profiles.get("gbt39046-2020"), "rating", {**FACTS["rating"], "level": level}).payload
    assert payload["满意度代码"] == code


@pytest.mark.parametrize("level,code", [("very_satisfied", "5"), ("very_dissatisfied", "1")])
def test_provincial_satisfaction_codes_run_the_other_way(level, code):
    payload = mapping.build(profiles.get("provincial-2023"), "rating", {**FACTS["rating"], "level": level}).payload
    assert payload["satisfaction"] == code


@pytest.mark.parametrize("channel,national,provincial", [("qr", "二维码", "3"), ("pc", "PC端", "1"),
                                                         ("hall_tablet", "政务大厅平板电脑", "4"), ("sms", "短信", "6")])
def test_channels_are_written_in_each_profiles_terms(channel, national, provincial):
    facts = {**FACTS["rating"], "channel": channel}
    assert mapping.build(profiles.get("gbt39046-2020"), "rating", facts).payload["评价渠道"] == national
    assert mapping.build(profiles.get("provincial-2023"), "rating", facts).payload["pf"] == provincial


def test_case_type_codes_are_reversed_between_two_provincial_fields():
    """promiseTime (rating interface) has 承诺件 = 1, projectType (case interface) 即办件 = 1: both as the anchors
    found them."""
    profile = profiles.get("provincial-2023")
    rating = mapping.build(profile, "rating", {**FACTS["rating"], "handling_type": "committed"}).payload
    accept = mapping.build(profile, "case_accept", {**FACTS["case_accept"], "handling_type": "committed"}).payload
    assert rating["promiseTime"] == "1" and accept["projectType"] == "2"


def test_dates_follow_each_profiles_format():
    national = mapping.build(profiles.get("gbt39046-2020"), "rating", FACTS["rating"]).payload
    provincial = mapping.build(profiles.get("provincial-2023"), "rating", FACTS["rating"]).payload
    assert national["评价时间"] == "20261127T160205"
    assert provincial["assessTime"] == "2026-11-27 16:02:05"


def test_stored_utc_moments_are_written_in_beijing_time():
    import datetime as dt

    utc = dt.datetime(2026, 11, 27, 8, 2, 5, tzinfo=dt.UTC)
    payload = mapping.build(profiles.get("gbt39046-2020"), "rating", {**FACTS["rating"], "rated_at": utc}).payload
    assert payload["评价时间"] == "20261127T160205"


def test_a_channel_without_a_code_refuses_the_record_with_a_report():
    built = mapping.build(profiles.get("provincial-2023"), "rating", {**FACTS["rating"], "channel": "phone"})
    assert built.refused and "pf" in built.report()


def test_too_long_is_cut_where_allowed_and_refused_where_not():
    profile = profiles.get("gbt39046-2020")
    cut = mapping.build(profile, "rating", {**FACTS["rating"], "rater_name": "名" * 40})
    assert not cut.refused and cut.payload["评价人"] == "名" * 30 and cut.problems[0].key == "评价人"
    refused = mapping.build(profile, "rating", {**FACTS["rating"], "case_number": "N" * 51})
    assert refused.refused and refused.problems[0].key == "办件编号"


def test_a_required_field_left_empty_refuses_the_record():
    built = mapping.build(profiles.get("gbt39046-2020"), "case_accept", {**FACTS["case_accept"], "accepted_at": None})
    assert built.refused and any(p.key == "受理时间" for p in built.problems)


def test_no_phone_or_id_number_is_ever_a_source():
    for profile in profiles.all_profiles():
        for kind, record in profile.records.items():
            sources = {f.get("source") for f in record["fields"]}
            assert not sources & {"applicant_phone", "rater_phone", "applicant_id_number", "phone"}, (profile.name, kind)


def test_an_unknown_profile_or_version_is_a_422():
    with pytest.raises(InvalidInput):
        profiles.get("no-such-profile")
    with pytest.raises(InvalidInput):
        profiles.get("gbt39046-2020", 99)


def test_every_profile_file_is_named_after_its_name_and_version():
    for path in profiles.DIRECTORY.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert path.name == f"{data['name']}.v{data['version']}.json"


def test_every_domain_value_a_national_record_can_carry_has_a_code():
    """Each enum value our facts can produce maps in the national profile, so no real record is refused for it."""
    from bianmin.cases.models import SpecialProcedure
    from bianmin.catalog.models import HandlingType, ItemType
    from bianmin.exchange.facts import RECTIFICATION_EVENTS
    from bianmin.ratings.models import Channel, Level

    codes = profiles.get("gbt39046-2020").codes
    expected = {"rectification_event": set(RECTIFICATION_EVENTS.values()), "satisfaction": set(Level.values),
                "channel": set(Channel.values) - {"system"}, "case_type": set(HandlingType.values),
                "special_procedure": set(SpecialProcedure.Kind.values), "item_type": set(ItemType.values)}
    for table, values in expected.items():
        assert values <= set(codes[table]), (table, values - set(codes[table]))
