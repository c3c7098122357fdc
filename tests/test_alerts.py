"""Early warnings (issue 18 part 7, seed 000): each rule at its threshold — one below raises nothing, at the
threshold one alert, a second sweep still one — per-jurisdiction thresholds, and the managers told once."""
import pytest

from bianmin.alerts import services
from bianmin.alerts.models import Kind
from bianmin.core.models import Notification

from .alerts_helpers import NOW, ago, alerts, comment, counter, hotline, sweep, verified_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def now(set_now):
    return set_now(NOW)


def told(user):
    return Notification.objects.filter(user=user, link__startswith="/workbench/alerts/")


# ---------------------------------------------------------------- daily complaints

def test_nine_complaints_in_a_day_raise_no_alert(world, hw, now):
    for _ in range(6):
        counter(world)
    hotline(hw)
    hotline(hw)
    comment(world, item=world.item_committed)
    # Neither a request for help on the hotline nor a comment that is not a complaint counts.
    hotline(hw, category=hw.social, text="想了解临时救助怎么申请")
    comment(world, unit=world.county, text="窗口服务很好", complaint=False)
    sweep()
    assert not alerts(Kind.DAILY_COMPLAINTS).exists()


def test_ten_complaints_in_a_day_raise_one_alert_and_tell_the_manager_once(world, hw, now):
    for _ in range(7):
        counter(world)
    hotline(hw)
    hotline(hw, category=hw.efficiency, text="某科室推诿扯皮", order_type="ordinary", respondent_rank="staff")
    comment(world, item=world.item_committed)
    sweep()
    sweep()
    alert = alerts(Kind.DAILY_COMPLAINTS).get()
    assert alert.unit == world.county and alert.site is None
    assert alert.detail["count"] == 10 and alert.detail["threshold"] == 10 and alert.detail["date"] == "2026-11-18"
    assert alert.detail["channels"] == {"counter": 7, "order": 2, "comment": 1}
    about = f"#alert-{alert.pk}"
    assert told(world.manager_a).filter(link__endswith=about).count() == 1
    assert "收到投诉 10 件" in told(world.manager_a).get(link__endswith=about).text
    assert not told(world.manager_b).exists()
    assert not told(world.supervisor).exists()  # managers reach it: the supervisor is not bothered


def test_complaints_of_two_days_do_not_add_up(world, now):
    for _ in range(5):
        counter(world, ago(days=1))
    for _ in range(5):
        counter(world)
    sweep()
    assert not alerts(Kind.DAILY_COMPLAINTS).exists()


def test_yesterdays_complaints_are_still_counted(world, now):
    for _ in range(10):
        counter(world, ago(days=1))
    sweep()
    assert alerts(Kind.DAILY_COMPLAINTS).get().detail["date"] == "2026-11-17"


def test_the_default_threshold_comes_from_the_settings(world, now, settings):
    settings.BIANMIN = {**settings.BIANMIN, "ALERT_DAILY_COMPLAINTS": 2}
    counter(world)
    sweep()
    assert not alerts(Kind.DAILY_COMPLAINTS).exists()
    counter(world)
    sweep()
    assert alerts(Kind.DAILY_COMPLAINTS).count() == 1


# ---------------------------------------------------------------- per jurisdiction

def test_a_county_policy_applies_to_its_townships(world, now):
    for _ in range(3):
        counter(world, site=world.site_b)
    sweep()
    assert not alerts(Kind.DAILY_COMPLAINTS).exists()  # the default: 10
    services.save_policy(world.supervisor, world.county.pk, {"daily_complaints": 3})
    sweep()
    alert = alerts(Kind.DAILY_COMPLAINTS).get()
    assert alert.unit == world.township and alert.detail["threshold"] == 3
    assert told(world.manager_b).count() == 1 and not told(world.manager_a).exists()


def test_a_township_policy_overrides_its_county(world, now):
    services.save_policy(world.supervisor, world.county.pk, {"daily_complaints": 3})
    services.save_policy(world.supervisor, world.township.pk, {"daily_complaints": 4})
    for _ in range(3):
        counter(world, site=world.site_b)
        counter(world, site=world.site_a)
    sweep()
    assert list(alerts(Kind.DAILY_COMPLAINTS).values_list("unit", flat=True)) == [world.county.pk]
    assert services.policy_for(world.township).daily_complaints == 4
    assert services.policy_for(world.civil_affairs).daily_complaints == 3  # a county department: the county's


# ---------------------------------------------------------------- the same person

def test_two_complaints_about_a_person_within_the_period_raise_nothing(world, now):
    counter(world, ago(days=29), staff=world.clerk_a)
    counter(world, ago(days=3), staff=world.clerk_a)
    counter(world, ago(days=31), staff=world.clerk_a)  # before the 30 days
    counter(world, staff=world.clerk_a2)  # someone else
    sweep()
    assert not alerts(Kind.REPEATED_PERSON).exists()


def test_a_third_complaint_about_a_person_raises_one_alert(world, now):
    counter(world, ago(days=29), staff=world.clerk_a)
    counter(world, ago(days=3), staff=world.clerk_a)
    counter(world, staff=world.clerk_a, text="办事拖拉")
    sweep()
    sweep()
    alert = alerts(Kind.REPEATED_PERSON).get()
    assert alert.subject == "王小红" and alert.site == world.site_a and alert.unit == world.county
    assert alert.detail["count"] == 3 and alert.detail["days"] == 30 and len(alert.detail["refs"]) == 3
    assert told(world.manager_a).filter(text__contains="王小红").count() == 1


def test_the_next_alert_about_a_person_needs_as_many_new_complaints(world, now):
    for days in (5, 4, 3):
        counter(world, ago(days=days), staff=world.clerk_a)
    sweep()
    counter(world, ago(days=2), staff=world.clerk_a)
    counter(world, ago(days=1), staff=world.clerk_a)
    sweep()
    assert alerts(Kind.REPEATED_PERSON).count() == 1
    counter(world, staff=world.clerk_a)
    sweep()
    assert alerts(Kind.REPEATED_PERSON).count() == 2


def test_a_policy_sets_the_repeat_count_and_period(world, now):
    services.save_policy(world.manager_a, world.county.pk, {"repeat_count": 2, "repeat_days": 7})
    counter(world, ago(days=8), staff=world.clerk_a)
    counter(world, staff=world.clerk_a)
    sweep()
    assert not alerts(Kind.REPEATED_PERSON).exists()
    counter(world, ago(days=6), staff=world.clerk_a)
    sweep()
    assert alerts(Kind.REPEATED_PERSON).get().detail["threshold"] == 2


# ---------------------------------------------------------------- the same matter

def test_a_hotline_category_complained_about_three_times_raises_one_alert(world, hw, now):
    hotline(hw, ago(days=10))
    hotline(hw, ago(days=2))
    hotline(hw, ago(days=2), category=hw.estate, order_type="simple_complaint", text="不动产登记收费不明")
    hotline(hw, category=hw.social, text="想了解临时救助怎么申请")  # not a complaint
    sweep()
    assert not alerts(Kind.REPEATED_MATTER).exists()
    hotline(hw)
    sweep()
    sweep()
    alert = alerts(Kind.REPEATED_MATTER).get()
    assert alert.subject == "窗口服务投诉" and alert.unit == world.county
    assert alert.subject_key == f"category:{hw.window_complaint.pk}"


def test_an_item_complained_about_at_the_counter_and_in_comments(world, now):
    counter(world, ago(days=5), item=world.item_committed)
    comment(world, ago(days=4), item=world.item_committed)
    comment(world, ago(days=4), item=world.item_instant)
    sweep()
    assert not alerts(Kind.REPEATED_MATTER).exists()
    comment(world, item=world.item_committed)
    sweep()
    sweep()
    alert = alerts(Kind.REPEATED_MATTER).get()
    assert alert.subject == "最低生活保障申请" and alert.unit == world.county
    assert sorted(ref.split(":")[0] for ref in alert.detail["refs"]) == ["comment", "comment", "counter"]


# ---------------------------------------------------------------- hot terms

def test_a_new_term_raises_an_alert_at_its_minimum(world, now):
    for _ in range(4):
        counter(world, text="营业执照变更材料被退回三次")
    sweep()
    assert not alerts(Kind.HOT_TERM).exists()
    counter(world, text="营业执照办理太慢了")
    sweep()
    sweep()
    alert = alerts(Kind.HOT_TERM, subject="营业执照").get()
    assert alert.detail["count"] == 5 and alert.detail["date"] == "2026-11-18" and alert.unit == world.county
    assert not alerts(Kind.HOT_TERM, subject="太慢").exists()  # once only


def test_a_term_must_rise_against_its_usual_level(world, now):
    services.save_policy(world.supervisor, world.county.pk, {"hot_term_min_count": 2})
    for days in range(1, 29):  # once a day over the 28 days before: a usual level of one a day
        counter(world, ago(days=days), text="社保卡补办排队时间长")
    counter(world, text="排队太久")
    counter(world, text="排队两个小时")
    sweep()
    assert not alerts(Kind.HOT_TERM, subject="排队").exists()  # two: not three times the usual level
    counter(world, text="又是排队")
    sweep()
    sweep()
    alert = alerts(Kind.HOT_TERM, subject="排队").get()
    assert alert.detail["count"] == 3 and alert.detail["usual"] == "1.00" and alert.detail["factor"] == "3.0"


def test_the_callers_name_is_never_a_hot_term(world, now):
    for _ in range(5):
        counter(world, text="我是孙丽华，窗口人员态度生硬", name="孙丽华")
    sweep()
    subjects = set(alerts(Kind.HOT_TERM).values_list("subject", flat=True))
    assert "态度生硬" in subjects and not any("孙丽华" in s for s in subjects)


# ---------------------------------------------------------------- verified bad reviews

def test_two_verified_bad_reviews_in_the_period_raise_nothing(world, now):
    verified_ticket(world, "13800000001", ago(days=20))
    verified_ticket(world, "13800000002", ago(days=5))
    verified_ticket(world, "13800000003", ago(days=40))  # before the 30 days
    sweep()
    assert not alerts(Kind.REPEATED_BAD_REVIEWS).exists()


def test_a_third_verified_bad_review_lists_the_person_for_the_manager(world, now):
    verified_ticket(world, "13800000001", ago(days=20))
    verified_ticket(world, "13800000002", ago(days=5))
    verified_ticket(world, "13800000003")
    sweep()
    sweep()
    alert = alerts(Kind.REPEATED_BAD_REVIEWS).get()
    assert alert.subject == "王小红" and alert.subject_key == f"staff:{world.clerk_a.staff.pk}"
    assert alert.site == world.site_a and alert.detail["count"] == 3
    assert told(world.manager_a).filter(text__contains="王小红").count() == 1


def test_a_ticket_not_verified_as_true_does_not_count(world, now):
    from bianmin.rectification.models import Ticket

    verified_ticket(world, "13800000001", ago(days=20))
    verified_ticket(world, "13800000002", ago(days=5))
    third = verified_ticket(world, "13800000003")
    Ticket.objects.filter(pk=third.pk).update(outcome="explained")  # 解释说明: not verified as true
    sweep()
    assert not alerts(Kind.REPEATED_BAD_REVIEWS).exists()


def test_the_worker_runs_the_sweep_after_the_rollup():
    from bianmin.core import jobs

    assert "alerts" in [name for name, _job in jobs.JOBS]  # registered by the app's ready()
    assert jobs.ORDER.index("alerts") == jobs.ORDER.index("stats_rollup") + 1
