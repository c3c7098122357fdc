"""Fixed facts of one record of each kind (as bianmin/exchange/facts.py produces them), for the golden files."""
import datetime as dt
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")


def at(day, hour, minute=0, second=0):
    return dt.datetime(2026, 11, day, hour, minute, second, tzinfo=TZ)


CASE = {
    "case_number": "BM-20261123-0001", "basic_code": "1100000001", "item_code": "11330100MB1234567X400011",
    "item_name": "最低生活保障申请", "unit_name": "测试县民政局", "unit_credit_code": "11330101MB1234567X",
    "handler_name": "王小红", "applied_at": at(23, 9, 30), "accepted_at": at(23, 10, 0), "completed_at": at(27, 15, 45, 12),
    "accept_notice_number": "受字〔2026〕第12号", "due_at": at(30, 17, 30), "handling_type": "committed",
    "division_code": "330101000", "applicant_kind": "person",
    "cert_key": "9d1f0c36a1ed2c3c4b0b8e6c1b1a5d6f1e4ff3b87c0e3c1c8b3e1a2b3c4d5e6f", "result": "准予，核发低保证",
    "mailed": True, "licence_name": "", "licence_number": "", "licence_validity": "", "fee_charged": False,
    "case_progress": "completed",
}

FACTS = {
    "rating": {**CASE, "channel": "qr", "rater_name": "刘德华", "rated_at": at(27, 16, 2, 5), "rating_count": 1,
               "level": "very_satisfied", "comment": "办得很快，态度很好", "answers_text": "服务指引是否清晰：是",
               "assess_number": "first", "data_source": "bianmin", "stage": "complete"},
    "case_accept": {**CASE, "case_progress": "accepted"},
    "case_complete": CASE,
    "case_special": {**CASE, "procedure_kind": "site_survey", "procedure_started_at": at(24, 9, 0),
                     "procedure_note": "需现场核实居住情况", "procedure_started_by": "张主任",
                     "procedure_ended_at": at(25, 16, 0), "procedure_result": "现场勘察属实",
                     "procedure_opinion": "", "procedure_handler": "张主任"},
    "rectification": {"case_number": "BM-20261123-0001", "event": "outcome", "finding": "当场整改",
                      "title": "差评整改：最低生活保障申请", "complainant": "刘德华", "about_unit": "测试县民政局",
                      "about_person": "王小红", "content": "等了很久", "source": "好差评", "complained_at": at(27, 16, 2, 5),
                      "unit_credit_code": "11330101MB1234567X", "unit_name": "测试县民政局", "handler_name": "张主任",
                      "handled_at": at(28, 10, 0), "feedback": "已向评价人说明并致歉", "feedback_at": at(28, 10, 0),
                      "promised_limit": "", "extension": "", "extension_reason": "", "overdue_days": 0,
                      "division_code": "330101000"},
    "complaint": {"complaint_number": "投字〔2026〕第3号", "title": "窗口投诉：测试县政务服务中心", "complainant": "刘德华",
                  "about_unit": "测试县政务服务中心", "about_person": "王小红", "content": "窗口人员态度生硬",
                  "form": "oral", "complained_at": at(26, 9, 0), "unit_credit_code": "11330101MB7654321Y",
                  "unit_name": "测试县", "handler_name": "张主任", "handled_at": at(26, 9, 0), "feedback": "已调查并批评教育",
                  "feedback_at": at(26, 15, 0), "promised_limit": "1个工作日", "extension": "", "extension_reason": "",
                  "overdue_days": 0, "division_code": "330101000"},
}
