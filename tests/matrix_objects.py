"""Real objects for the permission matrix's detail routes that the base `things` fixture did not have.

Everything is made through the product's own services, as a user who may make it, so each route is met with an id
that exists and the matrix shows the scoping check, not a 404 for a missing object:
- a survey of the county and one of its visits (surveys.draw_sample by the supervisor, rate 1);
- a rating flag on the main rating (four ratings from one phone within an hour, then the honesty sweep);
- an assessment batch with a result for the county (assessments.import_assessments by the supervisor);
- a file on the bad-review ticket (rectification attach by the clerk who handles it) and one on the work order
  (hotline attach by the 12345 agent);
- a published guide for the committed item (catalog.guides.publish_guide), so the guide pages have a real code,
  and a one-time notice (一次性告知) issued from it at site A by clerk_a through the guide's notice page (the page
  is the only place that issues one), for /guides/notice/<id>/, which shows one-time notices only, not a case's.
"""
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bianmin.catalog.guides import publish_guide
from bianmin.core import timeutil
from bianmin.hotline import services as hotline_services
from bianmin.queueing import services as queue_services
from bianmin.ratings import assessments, honesty, surveys
from bianmin.ratings import services as rating_services
from bianmin.rectification import services as rect_services

from .rating_helpers import finished_case
from .visits_helpers import matrix_things as visits_things


def photo(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\nmatrix", "image/png")


def flag_on(world, rating):
    """A phone-burst flag on `rating`: as many more ratings from its phone as the setting allows in an hour (one
    over the limit in all), then the worker's honesty sweep."""
    for _ in range(settings.BIANMIN["PHONE_BURST_COUNT"]):
        case = finished_case(world, phone=rating.rater_phone)
        rating_services.submit_with_token(rating_services.rating_link(case).token, level="satisfied")
    honesty.sweep()
    flag = rating.flags.order_by("pk").first()
    assert flag is not None, "the honesty sweep did not flag the rating"
    return flag


def survey_with_visit(world):
    today = timeutil.today()
    survey = surveys.draw_sample(world.supervisor, unit=world.county, period_start=today, period_end=today,
                                 rate=1, seed=1)
    visit = survey.visits.order_by("pk").first()
    assert visit is not None, "the survey drew nobody"
    return survey, visit


def assessment_batch(world):
    csv = f"单位,评估期起,评估期止,得分,评估意见\r\n{world.county.division_code},2026-01-01,2026-06-30,92.5,窗口服务规范\r\n"
    return assessments.import_assessments(world.supervisor, SimpleUploadedFile("评估.csv", csv.encode("utf-8")),
                                          "第三方评估机构")


def one_time_notice(world):
    from bianmin.cases.models import Notice

    publish_guide(world.item_committed)
    clerk = Client()
    clerk.force_login(world.clerk_a)
    response = clerk.post(f"/guides/{world.item_committed.code}/notice/")
    assert response.status_code == 302, response.status_code
    return Notice.objects.get(kind=Notice.Kind.ONE_TIME, case__isnull=True, item=world.item_committed)


def appointment_token(world) -> str:
    """A booking at site A in its first free slot from now on, for /appointments/<token>/ and its cancel routes."""
    from bianmin.appointments import services as appointment_services
    from bianmin.appointments import slots

    item = world.item_committed
    item.bookable = True
    item.save()
    day, _left = slots.bookable_days(world.site_a, item)[0]
    slot = next(s for s in slots.offered(world.site_a, item, day) if s.left)
    return appointment_services.book(world.site_a, item, day, slot.start, name="矩阵测试", phone="13800009999").token


def called_queue_ticket(world):
    """A green-lane ticket of site A called at window 1 by clerk_a, for the queue's action routes."""
    ticket = queue_services.issue(world.site_a, item=world.item_instant, priority="elderly")
    called, _reason = queue_services.call(world.clerk_a, world.window_a.pk)
    assert called.pk == ticket.pk, "another ticket was called first"
    return called


def leave_and_outing(world) -> tuple[int, int]:
    """clerk_a's leave request (awaiting the manager) and an outing not yet back, for the hall's action routes."""
    from datetime import timedelta

    from bianmin.hall import services as hall_services

    now = timeutil.now()
    leave = hall_services.request_leave(world.clerk_a, {
        "kind": "personal", "starts_at": now + timedelta(days=3), "ends_at": now + timedelta(days=3, hours=8),
        "reason": "家中有事"})
    outing = hall_services.register_outing(world.clerk_a, {
        "destination": "县档案馆", "purpose": "调取档案", "back_by": now + timedelta(hours=2)})
    return leave.pk, outing.pk


def quality_record(world) -> tuple[int, int]:
    """A quality-service record of site A (staffops.records, by its manager) with one attachment."""
    from bianmin.staffops import records

    record = records.create_record(world.manager_a, world.site_a, {
        "kind": "customer_visit", "date": "2026-11-10", "title": "走访辖区企业"}, [photo("走访照片.png")])
    return record.pk, record.attachments.get().pk


def inspection_things(world) -> dict:
    """An inspection of site A with a finding and a photo, and an answered checklist item with a photo (staffops
    inspections and site checklist, by site A's manager): real images, since those pages check the content."""
    import io

    from PIL import Image

    from bianmin.staffops import inspections, rules, sitecheck

    def png(name):
        buffer = io.BytesIO()
        Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
        return SimpleUploadedFile(name, buffer.getvalue(), "image/png")

    found = inspections.record_inspection(
        world.manager_a, world.site_a, "open", None, {"badge_worn": (False, "")},
        [{"rule_code": rules.PROHIBITED, "staff_id": world.clerk_a.staff.pk, "note": "未佩证"}], "", [png("检查.png")])
    answer = sitecheck.answer(world.manager_a, world.site_a, "counter", True, "", png("柜台.png"))
    return {"inspection_id": found.pk, "finding_id": found.findings.get().pk, "photo_id": found.photos.get().pk,
            "answer_id": answer.pk}


def assessment_things(world) -> dict:
    """clerk_a's staff record and a manual efficiency warning of theirs (staffops.services, by site A's manager),
    for the score and warning routes."""
    from bianmin.staffops import services as staffops_services

    warned = staffops_services.issue_warning(world.manager_a, world.clerk_a.staff, "工作时间擅自离岗")
    return {"staff_id": world.clerk_a.staff.pk, "warning_id": warned.pk}


def county_alert(world) -> int:
    """A daily-complaints alert of the county (bianmin.alerts): the county's threshold set to one by its supervisor,
    a complaint about the county entered by site A's manager, then the worker's sweep."""
    from bianmin.alerts import services as alert_services
    from bianmin.alerts.models import Alert
    from bianmin.ratings import comments

    alert_services.save_policy(world.supervisor, world.county.pk, {"daily_complaints": 1})
    comments.add_comment(world.manager_a, source="mailbox", text="窗口服务态度差", target_unit=world.county,
                         is_complaint=True)
    alert_services.sweep()
    return Alert.objects.get(kind="daily_complaints", unit=world.county).pk


def counter_things(world) -> dict:
    """A first-contact entry clerk_a is still following and an oral complaint clerk_a received (cases app)."""
    from bianmin.cases import complaints, first_contacts
    from bianmin.cases.models import FirstContact

    entry = first_contacts.log(world.clerk_a, site=world.site_a, visitor_name="张三", visitor_phone="",
                               question="咨询低保续期", outcome=FirstContact.Outcome.PENDING)
    complaint = complaints.receive(world.clerk_a, site=world.site_a, form="oral", complainant_name="李四",
                                   text="窗口等候时间过长")
    return {"entry_id": entry.pk, "complaint_id": complaint.pk}


def exchange_things(world, rating) -> dict:
    """The county linked to an upstream (bianmin.exchange) and the outbox row of the bad rating, a dead letter
    (so that re-send and give-up meet their rule), plus the preview's path values: that rating."""
    from bianmin.exchange import writer
    from bianmin.exchange.models import ExchangeLink, OutboxRow, Status

    ExchangeLink.objects.create(unit=world.county, profile="gbt39046-2020", url="http://127.0.0.1:9")
    writer.write("rating", rating, "")
    row = OutboxRow.objects.get(kind="rating", record_id=rating.pk)
    OutboxRow.objects.filter(pk=row.pk).update(status=Status.DEAD, last_error="HTTP 400")
    return {"row_id": row.pk, "exchange_kind": "rating", "exchange_record_id": rating.pk}


def extra_things(hw, rating, ticket, order_id: int) -> dict:
    """The path values for surveys, visits, flags, assessment batches, attachments and guide codes."""
    world = hw.base
    flag = flag_on(world, rating)
    survey, visit = survey_with_visit(world)
    batch = assessment_batch(world)
    ticket_file = rect_services.attach(ticket.pk, world.clerk_a, photo("整改照片.png"))
    order_file = hotline_services.attach(order_id, hw.agent, photo("现场照片.png"))
    notice = one_time_notice(world)
    return {**visits_things(world), "flag_id": flag.pk, "survey_id": survey.pk, "visit_id": visit.pk, "batch_id": batch.pk,
            "ticket_attachment_id": ticket_file.pk, "attachment_id": order_file.pk,
            "one_time_notice_id": notice.pk, "code": world.item_committed.code,
            # a kiosk ticket of site A, for the public ticket page /hall/ticket/<token>/
            "queue_ticket_token": queue_services.issue(world.site_a, item=world.item_committed).token,
            "queue_ticket_id": called_queue_ticket(world).pk,
            "appointment_token": appointment_token(world),
            **dict(zip(("leave_id", "outing_id"), leave_and_outing(world))),
            **dict(zip(("record_id", "record_attachment_id"), quality_record(world))),
            **inspection_things(world),
            **assessment_things(world),
            "alert_id": county_alert(world),
            **counter_things(world),
            **exchange_things(world, rating)}
