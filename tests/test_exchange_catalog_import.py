"""Importing the service catalogue from an upstream export (bianmin.exchange.catalog_import): the national CSV with
Table 4's Chinese headers, the provincial profile's Excel and JSON, the dry run, the report and new guide versions."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from bianmin.catalog.guides import publish_guide
from bianmin.catalog.models import Condition, GuideVersion, Item, Material
from bianmin.core.errors import InvalidInput, TooLarge
from bianmin.exchange import catalog_import as importer

DATA = Path(__file__).parent / "data" / "catalogue"
NATIONAL = "gbt39046-2020"
PROVINCIAL = "provincial-2023"
URL = "/workbench/exchange/catalogue-import/"


def snapshot() -> dict:
    return {"items": list(Item.objects.order_by("pk").values()), "conditions": list(Condition.objects.values()),
            "materials": list(Material.objects.values()), "versions": list(GuideVersion.objects.values())}


def by_code(report) -> dict:
    return {i.code: i for i in report.items}


@pytest.fixture
def published(world):
    for item in Item.objects.all():
        publish_guide(item)
    return world


# ---------------------------------------------------------------- the national CSV


def test_national_csv_dry_run_reports_and_changes_nothing(published):
    before = snapshot()
    _grouped, report = importer.dry_run(DATA / "national.csv", NATIONAL)
    assert snapshot() == before  # a dry run writes nothing
    assert report.counts == {"new": 2, "changed": 1, "unchanged": 1, "refused": 1}
    items = by_code(report)
    assert items["NEW-0001"].status == "new" and items["NEW-0001"].rows == [2, 3]
    assert [m["name"] for m in items["NEW-0001"].target["materials"]] == ["居民身份证", "困难情况书面说明"]
    assert items["NEW-0001"].target["conditions"] == ["申请人为本县户籍居民", "家庭因突发事件导致基本生活陷入困境"]
    assert items["ITEM-COMMIT-1"].status == "changed" and items["ITEM-COMMIT-1"].changes == ["committed_limit"]
    assert items["ITEM-INSTANT-1"].status == "unchanged" and not items["ITEM-INSTANT-1"].problems


def test_unknown_type_code_refuses_the_item_with_its_rows(world):
    _grouped, report = importer.dry_run(DATA / "national.csv", NATIONAL)
    refused = by_code(report)["BAD-TYPE-1"]
    assert refused.status == "refused"
    [problem] = refused.problems
    assert (problem.level, problem.kind, problem.rows) == ("error", "unknown_code", (8,))
    assert "99" in problem.zh and "Unknown item type code" in problem.en


def test_a_vague_material_is_a_warning_the_item_is_imported_unpublished(world):
    _grouped, report = importer.dry_run(DATA / "national.csv", NATIONAL)
    vague = by_code(report)["VAGUE-0001"]
    assert vague.status == "new" and not vague.publishable
    [problem] = vague.problems
    assert (problem.level, problem.kind, problem.rows) == ("warning", "vague", (10,))
    assert "其他" in problem.zh and "catch-all" in problem.en
    result = importer.apply(*importer.dry_run(DATA / "national.csv", NATIONAL))
    item = Item.objects.get(code="VAGUE-0001")
    assert not item.versions.exists()  # the catch-all rule (catalog.validators) keeps it from the portal
    assert next(a for a in result.applied if a.code == "VAGUE-0001").version is None


def test_apply_publishes_new_versions_and_never_edits_old_ones(published):
    item = published.item_committed
    old = GuideVersion.objects.get(item=item)
    old_row = GuideVersion.objects.filter(pk=old.pk).values().get()
    unchanged_versions = list(GuideVersion.objects.filter(item=published.item_instant).values())
    grouped, report = importer.dry_run(DATA / "national.csv", NATIONAL)
    result = importer.apply(grouped, report, published.manager_a)

    versions = list(item.versions.order_by("number"))
    assert [v.number for v in versions] == [old.number, old.number + 1]
    assert GuideVersion.objects.filter(pk=old.pk).values().get() == old_row  # the published row is untouched
    assert versions[-1].content["committed_limit"] == {"amount": 3, "unit": "workdays"}
    assert old_row["content"]["committed_limit"] == {"amount": 5, "unit": "workdays"}
    assert versions[-1].published_by == published.manager_a and "gbt39046-2020" in versions[-1].change_note
    item.refresh_from_db()
    assert item.committed_limit == 3 and item.handling_type == "committed"  # the handling type is ours to keep

    assert list(GuideVersion.objects.filter(item=published.item_instant).values()) == unchanged_versions
    assert not Item.objects.filter(code="BAD-TYPE-1").exists()

    new = Item.objects.get(code="NEW-0001")
    assert (new.name, new.item_type, new.accepting_unit, new.statutory_limit, new.committed_limit) == (
        "临时救助申请", "benefit", published.civil_affairs, 20, 10)
    assert new.bookable and new.online and new.channels == ["window", "online"] and new.fee_standard == "不收费"
    assert new.procedure == ["申请", "受理", "审核", "审批"]
    first = new.materials.get(name="居民身份证")
    assert (first.role, first.form, first.count, first.source) == ("main", "original", 1, "公安机关")
    assert [v.number for v in new.versions.all()] == [1]
    assert {(a.code, a.status, a.version) for a in result.applied} == {
        ("NEW-0001", "new", 1), ("VAGUE-0001", "new", None), ("ITEM-COMMIT-1", "changed", old.number + 1)}

    # The same file again: everything it brings is in place, so nothing is written and no version is added.
    count = GuideVersion.objects.count()
    _grouped, again = importer.dry_run(DATA / "national.csv", NATIONAL)
    assert again.counts == {"new": 0, "changed": 0, "unchanged": 4, "refused": 1}
    assert importer.apply(*importer.dry_run(DATA / "national.csv", NATIONAL)).applied == []
    assert GuideVersion.objects.count() == count


def test_a_kept_material_keeps_its_template_and_common_mistakes(published):
    material = published.item_committed.materials.get(name="户口簿")
    material.common_mistakes = "户口簿须含本人页"
    material.save()
    importer.apply(*importer.dry_run(DATA / "national.csv", NATIONAL))
    material.refresh_from_db()
    assert material.common_mistakes == "户口簿须含本人页" and (material.role, material.form) == ("supporting", "copy")


def test_gb18030_and_bom_csv_read_alike(world):
    text = (DATA / "national.csv").read_text(encoding="utf-8")
    plain = importer.read_rows(text.encode("utf-8"), "csv")
    assert importer.read_rows(b"\xef\xbb\xbf" + text.encode("utf-8"), "csv") == plain
    assert importer.read_rows(text.encode("gb18030"), "csv") == plain
    assert plain[0].number == 2 and plain[0].values["实施编码"] == "NEW-0001"


# ---------------------------------------------------------------- the provincial profile: Excel and JSON


def test_provincial_xlsx_with_merged_cells_and_numeric_codes(world):
    before = snapshot()
    _grouped, report = importer.dry_run(DATA / "provincial.xlsx", PROVINCIAL)
    assert snapshot() == before
    items = by_code(report)
    first = items["PX-0001"]
    assert first.status == "new" and first.rows == [3, 4] and not first.problems
    assert first.target["fields"]["item_type"] == "confirmation"  # Excel's 7 is the code 07
    assert [m["name"] for m in first.target["materials"]] == ["居民身份证", "二级以上医院诊断证明"]
    assert first.target["conditions"] == ["本县户籍残疾人", "持有医院诊断证明"]
    second = items["PX-0002"]  # committed 15 working days against a statutory 10
    assert second.status == "refused" and [p.kind for p in second.problems] == ["limit"]
    importer.apply(*importer.dry_run(DATA / "provincial.xlsx", PROVINCIAL))
    assert Item.objects.get(code="PX-0001").versions.count() == 1
    assert not Item.objects.filter(code="PX-0002").exists()


def test_provincial_json_items_with_materials(world):
    _grouped, report = importer.dry_run(DATA / "provincial.json", PROVINCIAL)
    assert report.counts == {"new": 2, "changed": 0, "unchanged": 0, "refused": 0}
    items = by_code(report)
    pension = items["PJ-0001"]
    assert pension.rows == [1] and pension.target["fields"]["online"] is True
    assert pension.target["conditions"] == ["年满16周岁", "本县户籍居民"]
    assert pension.target["fields"]["procedure"] == ["申请", "受理", "登记"]
    assert [(m["name"], m["form"], m["count"], m["role"]) for m in pension.target["materials"]] == [
        ("居民身份证", "both", 1, "main"), ("户口簿", "copy", 1, "supporting")]
    allowance = items["PJ-0002"].target["fields"]
    assert (allowance["statutory_unit"], allowance["committed_unit"], allowance["committed_limit"]) == ("days", "days", 10)
    # A bare list of items reads the same.
    as_list = (DATA / "provincial.json").read_text(encoding="utf-8").split('"items":', 1)[1].rstrip().rstrip("}")
    assert importer.read_rows(as_list.encode(), "json") == importer.read_rows(DATA / "provincial.json")


def test_the_national_headers_do_not_fit_the_provincial_profile(world):
    with pytest.raises(InvalidInput) as caught:
        importer.dry_run(DATA / "national.csv", PROVINCIAL)
    assert "taskCode" in caught.value.zh


# ---------------------------------------------------------------- the checks one by one


HEADER = "事项名称,基本编码,实施编码,事项类型代码,实施主体,法定办结时限,法定办结时限单位,承诺办结时限,承诺办结时限单位,受理条件,材料名称\n"


def check_rows(*lines: str):
    rows = importer.read_rows((HEADER + "\n".join(lines) + "\n").encode(), "csv")
    profile = importer.load_profile_columns(NATIONAL)
    return importer.check(importer.group(rows, profile), profile)


def kinds(report, code: str) -> list[tuple[str, str]]:
    return [(p.level, p.kind) for p in by_code(report)[code].problems]


def test_each_check(world):
    report = check_rows(
        ",,C-MISSING,01,测试县民政局,20,工作日,5,工作日,条件,居民身份证",
        "甲,B1,C-NUMBER,01,测试县民政局,二十,工作日,5,周,条件,居民身份证",
        "乙,B2,C-UNIT,01,不存在的单位,20,,5个工作日,,条件,居民身份证",
        "丙,B3,C-DUP,01,测试县民政局,20,工作日,5,工作日,条件,居民身份证",
        "丁,B4,C-OTHER,10,测试县民政局,20,工作日,5,工作日,条件,居民身份证",
        "丙,B3,C-DUP,01,测试县民政局,20,工作日,5,工作日,条件,户口簿",
        "戊,B5,C-CONFLICT,01,测试县民政局,20,工作日,5,工作日,条件,居民身份证",
        "己,B5,C-CONFLICT,01,测试县民政局,20,工作日,5,工作日,条件,户口簿",
        "庚,B6,C-VAGUE,1,测试县民政局,20,小时,5,hours,身份证、户口簿等证件,居民身份证等",
    )
    assert kinds(report, "C-MISSING") == [("error", "missing"), ("error", "missing")]
    assert kinds(report, "C-NUMBER") == [("error", "not_a_number"), ("error", "unknown_unit")]
    assert kinds(report, "C-UNIT") == [("error", "unknown_agency"), ("warning", "unit_assumed")]
    assert kinds(report, "C-DUP") == [("error", "duplicate")] and by_code(report)["C-DUP"].rows == [5, 7]
    assert kinds(report, "C-OTHER") == []
    assert kinds(report, "C-CONFLICT") == [("error", "conflict")]
    assert kinds(report, "C-VAGUE") == [("warning", "vague"), ("warning", "vague")]
    vague = by_code(report)["C-VAGUE"]
    assert vague.status == "new" and not vague.publishable and vague.target["fields"]["item_type"] == "licensing"
    assert report.counts == {"new": 2, "changed": 0, "unchanged": 0, "refused": 5}


def test_the_accepting_unit_by_its_credit_code_when_the_name_is_not_ours(world):
    world.civil_affairs.credit_code = "11990101MB1234567X"
    world.civil_affairs.save()
    header = "事项名称,基本编码,实施编码,事项类型代码,实施主体,实施主体代码,法定办结时限,承诺办结时限,受理条件,材料名称\n"
    rows = importer.read_rows((header + "甲,B1,C-CODE,01,测试县民政事务局,11990101MB1234567X,20,5,条件,居民身份证\n"
                               "乙,B2,C-NONE,01,测试县民政事务局,11990101MB0000000X,20,5,条件,居民身份证\n").encode(),
                              "csv")
    profile = importer.load_profile_columns(NATIONAL)
    report = importer.check(importer.group(rows, profile), profile)
    assert by_code(report)["C-CODE"].target["fields"]["accepting_unit"] == world.civil_affairs
    assert ("warning", "unit_by_code") in kinds(report, "C-CODE")
    assert ("error", "unknown_agency") in kinds(report, "C-NONE")


def test_bad_files_are_clear_errors(world, tmp_path):
    with pytest.raises(InvalidInput):
        importer.read_rows(SimpleUploadedFile("x.xlsx", b"not a zip"))
    with pytest.raises(InvalidInput):
        importer.read_rows(SimpleUploadedFile("x.json", b"{broken"))
    with pytest.raises(InvalidInput):
        importer.read_rows(SimpleUploadedFile("x.pdf", b"%PDF-1.4"))
    with pytest.raises(InvalidInput):
        importer.read_rows(SimpleUploadedFile("x.csv", b"  \n"))
    big = tmp_path / "big.csv"
    big.write_bytes(b"a,b\n" + b"x" * importer.MAX_BYTES)
    with pytest.raises(TooLarge):
        importer.read_rows(big)


# ---------------------------------------------------------------- the management command


def test_the_command_dry_run_prints_the_report_and_writes_nothing(published):
    before = snapshot()
    out = io.StringIO()
    call_command("import_catalogue", str(DATA / "national.csv"), "--profile", NATIONAL, "--dry-run", stdout=out)
    assert snapshot() == before
    text = out.getvalue()
    assert "新增 new: 2" in text and "拒绝 refused: 1" in text and "BAD-TYPE-1" in text and "Dry run" in text
    call_command("import_catalogue", str(DATA / "national.csv"), "--profile", NATIONAL, stdout=io.StringIO())
    assert Item.objects.filter(code="NEW-0001").exists()


# ---------------------------------------------------------------- the page


@pytest.fixture
def editor(world):
    """The centre manager with a back-office account allowed to edit service items: who edits the catalogue."""
    user = world.manager_a
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="catalog",
                                                         codename__in=["add_item", "change_item"]))
    return user


def upload(name: str, fmt: str = "", profile: str = NATIONAL) -> dict:
    return {"step": "check", "profile": profile, "format": fmt,
            "file": SimpleUploadedFile(name, (DATA / name).read_bytes())}


def test_manager_dry_runs_then_imports(published, editor, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(editor)
    page = client.get(URL)
    assert page.status_code == 200 and 'name="profile"' in page.content.decode()
    before = snapshot()
    checked = client.post(URL, upload("national.csv"))
    html = checked.content.decode()
    assert checked.status_code == 200 and snapshot() == before
    assert 'data-test="count-new"><b>2</b>' in html and 'data-test="count-refused"><b>1</b>' in html
    assert "未知的事项类型代码" in html and "Unknown item type code" in html and "BAD-TYPE-1" in html
    token = html.split('name="token" value="', 1)[1].split('"', 1)[0]
    assert token
    assert list((tmp_path / "exchange" / "catalogue-imports").iterdir())  # waiting on the server, not in a URL

    done = client.post(URL, {"step": "apply", "token": token})
    html = done.content.decode()
    assert done.status_code == 200 and 'data-test="import-result"' in html
    assert published.item_committed.versions.count() == 2
    assert reverse("portal:guide", args=["NEW-0001"]) in html and "已发布第 1 版" in html
    assert not list((tmp_path / "exchange" / "catalogue-imports").iterdir())
    again = client.post(URL, {"step": "apply", "token": token})  # the token is spent: nothing twice
    assert again.status_code == 409 and published.item_committed.versions.count() == 2


def test_provincial_excel_on_the_page_by_extension(world, editor, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    html = client_for(editor).post(URL, upload("provincial.xlsx", profile=PROVINCIAL)).content.decode()
    assert 'data-test="count-new"><b>1</b>' in html and "PX-0002" in html


def test_clerk_and_plain_manager_get_403(world, client_for):
    clerk = world.clerk_a
    assert client_for(clerk).get(URL).status_code == 403
    assert client_for(clerk).post(URL, upload("national.csv")).status_code == 403
    assert client_for(world.manager_a).get(URL).status_code == 403  # no back-office right to edit items
    assert client_for().get(URL).status_code == 302  # to the sign-in page


def test_oversized_and_unreadable_files_are_4xx_with_both_languages(world, editor, client_for, settings,
                                                                    tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(editor)
    big = SimpleUploadedFile("big.csv", b"x" * (importer.MAX_BYTES + 1))
    r = client.post(URL, {"step": "check", "profile": NATIONAL, "file": big})
    html = r.content.decode()
    assert r.status_code == 413 and "文件过大" in html and "too large" in html
    r = client.post(URL, {"step": "check", "profile": NATIONAL, "file": SimpleUploadedFile("x.xlsx", b"garbage")})
    assert r.status_code == 422 and "Excel" in r.content.decode()
    r = client.post(URL, {"step": "check", "profile": "nope", "file": SimpleUploadedFile("a.csv", b"a,b\n1,2\n")})
    assert r.status_code == 422
    assert Item.objects.count() == 4
