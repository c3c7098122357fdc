"""Third-party assessment import: CSV (UTF-8 with or without BOM, GBK) or .xlsx; every bad row reported
with its row number in Chinese and English; all or nothing."""
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bianmin.orgs.models import Unit
from bianmin.ratings import assessments
from bianmin.ratings.models import AssessmentImport, AssessmentResult

pytestmark = pytest.mark.django_db

HEADER = "单位,评估期起,评估期止,得分,评估意见\n"


def csv_file(body: str, *, encoding="utf-8", bom=False, name="评估结果.csv") -> SimpleUploadedFile:
    data = body.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    return SimpleUploadedFile(name, data, content_type="text/csv")


def xlsx_file(rows, name="result.xlsx") -> SimpleUploadedFile:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def upload(client, file, assessor="省政务服务评估中心"):
    data = {"assessor": assessor}
    if file is not None:
        data["file"] = file
    return client.post("/api/v1/assessments/import", data)


def errors_of(response) -> list[dict]:
    assert response.status_code == 422, response.content.decode()
    body = response.json()
    assert body["code"] == "invalid_rows" and body["message"] and body["message_en"]
    for e in body["errors"]:
        assert e["message"] and e["message_en"] and isinstance(e["row"], int)
    return body["errors"]


def assert_nothing_stored():
    assert not AssessmentImport.objects.exists() and not AssessmentResult.objects.exists()


# ---------------------------------------------------------------- good files

def test_good_csv_with_bom_by_code_and_by_name(world, api_for):
    body = HEADER + "990101000,2025-01-01,2025-06-30,92.5,窗口服务规范\n青山镇,2025/1/1,2025年6月30日,88,\n"
    r = upload(api_for(world.supervisor), csv_file(body, bom=True))
    assert r.status_code == 201, r.content.decode()
    assert r.json()["row_count"] == 2 and r.json()["assessor"] == "省政务服务评估中心"
    batch = AssessmentImport.objects.get()
    assert (batch.file_name, batch.imported_by) == ("评估结果.csv", world.supervisor)
    results = {res.unit: res for res in batch.results.all()}
    county, town = results[world.county], results[world.township]
    assert (county.period_start, county.period_end, county.score, county.remark) == (
        dt.date(2025, 1, 1), dt.date(2025, 6, 30), Decimal("92.50"), "窗口服务规范")
    assert (town.period_end, town.score, town.remark) == (dt.date(2025, 6, 30), Decimal("88.00"), "")


def test_good_csv_without_bom_and_with_english_headers(world, api_for):
    body = "unit,period_start,period_end,score\n990101001,2025-07-01,2025-12-31,75.25\n"
    r = upload(api_for(world.supervisor), csv_file(body))
    assert r.status_code == 201, r.content.decode()
    assert AssessmentResult.objects.get().score == Decimal("75.25")


def test_gbk_csv(world, api_for):
    body = HEADER + "测试县民政局,2025-01-01,2025-03-31,90,材料精简到位\n"
    r = upload(api_for(world.supervisor), csv_file(body, encoding="gbk"))
    assert r.status_code == 201, r.content.decode()
    result = AssessmentResult.objects.get()
    assert result.unit == world.civil_affairs and result.remark == "材料精简到位"


def test_good_xlsx(world, api_for):
    rows = [["单位", "评估期起", "评估期止", "得分", "评估意见"],
            [990101000, dt.datetime(2025, 1, 1), dt.date(2025, 6, 30), 95.5, "整体优秀"],
            [None, None, None, None, None],  # blank rows are skipped
            ["青山镇", "2025-01-01", "2025-06-30", 80, None]]
    r = upload(api_for(world.supervisor), xlsx_file(rows))
    assert r.status_code == 201, r.content.decode()
    got = {(res.unit_id, res.score, res.period_start) for res in AssessmentResult.objects.all()}
    assert got == {(world.county.pk, Decimal("95.50"), dt.date(2025, 1, 1)),
                   (world.township.pk, Decimal("80.00"), dt.date(2025, 1, 1))}


# ---------------------------------------------------------------- bad rows: all reported, nothing stored

def test_every_bad_row_is_reported_with_its_row_number(world, api_for):
    Unit.objects.create(name="和平村", level=Unit.Level.VILLAGE, parent=world.township)
    Unit.objects.create(name="和平村", level=Unit.Level.VILLAGE, parent=world.township)
    body = HEADER + "\n".join([
        "990101000,2025-01-01,2025-06-30,90,好",          # row 2: fine
        "不存在的单位,2025-01-01,2025-06-30,90,",          # row 3: unknown unit
        "和平村,2025-01-01,2025-06-30,90,",                # row 4: ambiguous name
        "990102000,2025-01-01,2025-06-30,90,",             # row 5: other county, outside the scope
        "990101000,2025-02-30,2025-06-30,90,",             # row 6: no such date
        "990101000,2025-07-01,2025-06-30,90,",             # row 7: start after end
        "990101001,2025-01-01,2025-06-30,100.5,",          # row 8: score above 100
        "990101001,2025-02-01,2025-06-30,-1,",             # row 9: negative score
        "990101001,2025-03-01,2025-06-30,88.123,",         # row 10: three decimals
        "990101001,2025-04-01,2025-06-30,优秀,",           # row 11: not a number
        "990101001,2025-05-01,2025-06-30,,",               # row 12: score missing
        ",2025-01-01,2025-06-30,90,",                      # row 13: unit missing
        "990101000,2025-01-01,2025-06-30,91,重复",         # row 14: duplicates row 2
        "990101001,2025-01-01,2025-06-30,90," + "长" * 501,  # row 15: remark too long
        "990101001,,2025-06-30,90,",                       # row 16: start missing
    ]) + "\n"
    errors = errors_of(upload(api_for(world.supervisor), csv_file(body)))
    by_row = {}
    for e in errors:
        by_row.setdefault(e["row"], []).append(e)
    assert sorted(by_row) == list(range(3, 17))
    assert "找不到单位" in by_row[3][0]["message"] and "No unit" in by_row[3][0]["message_en"]
    assert "多个单位" in by_row[4][0]["message"]
    assert "管辖范围" in by_row[5][0]["message"]
    assert "有效日期" in by_row[6][0]["message"] and by_row[6][0]["column"] == "评估期起"
    assert "晚于" in by_row[7][0]["message"]
    assert all("得分" in by_row[n][0]["message"] for n in (8, 9, 10, 11, 12))
    assert "单位" in by_row[13][0]["message"]
    assert "第 2 行重复" in by_row[14][0]["message"]
    assert "过长" in by_row[15][0]["message"]
    assert "评估期起" in by_row[16][0]["message"]
    assert_nothing_stored()


def test_one_bad_row_among_good_ones_stores_nothing(world, api_for):
    body = HEADER + "990101000,2025-01-01,2025-06-30,90,\n990101001,2025-01-01,2025-06-30,101,\n"
    errors = errors_of(upload(api_for(world.supervisor), csv_file(body)))
    assert [e["row"] for e in errors] == [3]
    assert_nothing_stored()


def test_xlsx_row_errors_use_excel_row_numbers(world, api_for):
    # A title line and an empty row above the header, as Excel reports often have.
    rows = [["2025 年上半年第三方评估结果"], [], ["单位", "评估期起", "评估期止", "得分"],
            ["测试县", "2025-01-01", "2025-06-30", 90], ["青山镇", "2025-01-01", "2025-06-30", 100.001]]
    errors = errors_of(upload(api_for(world.supervisor), xlsx_file(rows)))
    assert [(e["row"], e["column"]) for e in errors] == [(5, "得分")]
    rows = [["说明"], ["单位名称", "得分"], ["测试县", 90]]
    errors = errors_of(upload(api_for(world.supervisor), xlsx_file(rows)))
    assert errors[0]["row"] == 1 and "缺少必填列" in errors[0]["message"]
    assert_nothing_stored()


def test_missing_columns(world, api_for):
    errors = errors_of(upload(api_for(world.supervisor), csv_file("单位,得分\n测试县,90\n")))
    assert len(errors) == 1 and "评估期起" in errors[0]["message"] and "评估期止" in errors[0]["message"]
    assert "period start" in errors[0]["message_en"]
    assert_nothing_stored()


@pytest.mark.parametrize("file, code", [
    (SimpleUploadedFile("empty.csv", b""), "invalid"),
    (SimpleUploadedFile("blank.csv", b"\n\n  \n"), "invalid"),
    (SimpleUploadedFile("header.csv", HEADER.encode()), "invalid"),
    (SimpleUploadedFile("report.pdf", b"%PDF-1.4 ..."), "unsupported_type"),
    (SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0 old excel"), "unsupported_type"),
    (SimpleUploadedFile("fake.xlsx", b"this is not a zip"), "invalid"),
    (SimpleUploadedFile("broken.xlsx", b"PK\x03\x04 broken zip"), "invalid"),
    (SimpleUploadedFile("latin.csv", "单位".encode("utf-16")), "invalid"),
    (SimpleUploadedFile("nul.csv", b"\x00\x01\x02" * 10), "invalid"),
])
def test_unreadable_files_are_clear_4xx(world, api_for, file, code):
    r = upload(api_for(world.supervisor), file)
    assert r.status_code == 422, r.content.decode()
    assert r.json()["code"] == code and r.json()["message"] and r.json()["message_en"]
    assert_nothing_stored()


def test_missing_file_or_assessor(world, api_for):
    r = upload(api_for(world.supervisor), None)
    assert r.status_code == 422 and r.json()["field"] == "file"
    r = upload(api_for(world.supervisor), csv_file(HEADER + "测试县,2025-01-01,2025-06-30,90,\n"), assessor="  ")
    assert r.status_code == 422 and r.json()["field"] == "assessor"
    assert_nothing_stored()


def test_more_than_5000_rows(world, api_for):
    body = HEADER + "测试县,2025-01-01,2025-06-30,90,\n" * 5001
    r = upload(api_for(world.supervisor), csv_file(body))
    assert r.status_code == 422 and r.json()["code"] == "too_many_rows" and "5000" in r.json()["message"]
    assert_nothing_stored()


def test_exactly_5000_rows_are_checked_in_one_go(world, api_for):
    body = HEADER + "".join(f"测试县,{2000 + i // 12}-{i % 12 + 1:02d}-01,{2000 + i // 12}-{i % 12 + 1:02d}-28,90,\n"
                            for i in range(5000))
    r = upload(api_for(world.supervisor), csv_file(body))
    assert r.status_code == 201, r.content.decode()[:500]
    assert AssessmentResult.objects.count() == 5000


def test_file_over_2mb_is_refused(world):
    big = SimpleUploadedFile("big.csv", (HEADER + "x" * (2 * 1024 * 1024)).encode())
    with pytest.raises(assessments.FileTooLarge) as caught:
        assessments.import_assessments(world.supervisor, big, "机构")
    assert caught.value.status == 413 and "2 MB" in caught.value.zh
    assert_nothing_stored()


def test_file_over_2mb_on_the_page_is_a_413(world, client_for):
    big = SimpleUploadedFile("big.csv", (HEADER + "x" * (2 * 1024 * 1024)).encode())
    r = client_for(world.supervisor).post("/workbench/assessments/", {"assessor": "机构", "file": big})
    assert r.status_code == 413 and "2 MB" in r.content.decode()
    assert_nothing_stored()


# ---------------------------------------------------------------- who may import

def test_only_survey_permission_may_import(world, api_for, client_for):
    body = HEADER + "青山镇,2025-01-01,2025-06-30,90,\n"
    for user in (world.manager_b, world.clerk_a, world.manager_a):
        r = upload(api_for(user), csv_file(body))
        assert r.status_code == 403 and r.json()["message_en"]
    assert upload(client_for(), csv_file(body)).status_code == 401
    assert client_for(world.manager_b).get("/workbench/assessments/").status_code == 403
    assert_nothing_stored()


# ---------------------------------------------------------------- the page

def test_page_upload_shows_row_errors_then_imports(world, client_for):
    client = client_for(world.supervisor)
    assert client.get("/workbench/assessments/").status_code == 200
    bad = csv_file(HEADER + "测试县,2025-01-01,2025-06-30,120,\n不存在,2025-01-01,2025-06-30,90,\n")
    r = client.post("/workbench/assessments/", {"assessor": "评估中心", "file": bad})
    html = r.content.decode()
    assert r.status_code == 422 and "第 2 行" in html and "第 3 行" in html and "找不到单位" in html
    assert 'value="评估中心"' in html
    assert_nothing_stored()
    good = csv_file(HEADER + "测试县,2025-01-01,2025-06-30,91.5,良好\n")
    r = client.post("/workbench/assessments/", {"assessor": "评估中心", "file": good})
    batch = AssessmentImport.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"?batch={batch.pk}")
    html = client.get(r["Location"]).content.decode()
    assert "91.50" in html and "评估中心" in html and "良好" in html


def test_template_download_is_a_csv_with_bom_that_imports_back(world, client_for):
    r = client_for(world.supervisor).get("/workbench/assessments/template.csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv") and "attachment" in r["Content-Disposition"]
    assert r.content.startswith(b"\xef\xbb\xbf") and r.content.decode("utf-8-sig").splitlines()[0] == HEADER.strip()
    filled = r.content + "测试县,2025-01-01,2025-06-30,90,\r\n".encode()
    assert assessments.import_assessments(world.supervisor, SimpleUploadedFile("t.csv", filled), "机构").row_count == 1


def test_results_are_read_within_scope(world, api_for):
    from bianmin.orgs.roles import Role

    from .world import make_user

    body = HEADER + "测试县,2025-01-01,2025-06-30,90,\n青山镇,2025-01-01,2025-06-30,80,\n"
    batch_id = upload(api_for(world.supervisor), csv_file(body)).json()["id"]
    town_supervisor = make_user("town_supervisor", Role.SUPERVISOR, unit=world.township)
    detail = api_for(town_supervisor).get(f"/api/v1/assessments/{batch_id}").json()
    assert [r["unit"] for r in detail["results"]] == ["青山镇"]
    neighbour = make_user("neighbour", Role.SUPERVISOR, unit=world.other_county)
    assert api_for(neighbour).get(f"/api/v1/assessments/{batch_id}").status_code == 404
    assert api_for(neighbour).get("/api/v1/assessments").json()["items"] == []
