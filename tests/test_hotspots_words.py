"""Hot spots name services, places, materials and behaviours, not filler (issue #15 item 4): a proper
stop-word list and rules for quantities and aspect forms; the page shows the period it analysed in its date
fields; the worker warms the default views so the first visitor does not pay for segmentation."""
import pytest
from django.core.cache import cache

from bianmin.disclosure import public_cache
from bianmin.ratings.models import Level, Rating
from bianmin.stats import hotspots, periods, segmentation, warmup
from bianmin.stats.hotspot_sources import KINDS, Record
from bianmin.stats.metrics import Target

from .stats_helpers import raw_rating

PAGE = "/workbench/stats/hotspots/"
FILLER = ("两个", "交了", "回去", "小时", "手机", "三次", "一上午", "办好", "明天", "一趟", "没用")
TEXTS = ["两个小时才叫到号，交了材料又让回去拿复印件，手机上预约也没用",
         "不动产登记窗口排队两个小时，工作人员态度差，停车难",
         "社保卡补办要跑三次，材料交了三回，一上午都在排队",
         "营业执照办好了但是没拿到，让我明天再来一趟"]


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("word", FILLER)
def test_filler_words_are_never_terms(word):
    assert not segmentation.is_term(word)


def test_filler_words_the_issue_names_do_not_reach_the_terms_of_real_complaints():
    terms = {t for text in TEXTS for t in segmentation.terms(text)}
    assert not terms & set(FILLER)


def test_services_places_materials_and_behaviours_stay_terms():
    terms = {t for text in TEXTS for t in segmentation.terms(text)}
    # services and documents, materials, behaviours, places
    assert {"不动产登记", "社保卡", "营业执照", "复印件", "材料", "排队", "补办", "预约", "态度差", "停车难"} <= terms


def test_themes_of_records_are_not_filler():
    records = [Record("rating", i, None, text, (), (), None, None) for i, text in enumerate(TEXTS * 2)]
    themes = {t.term for t in hotspots.analyse_records(records, support=2).themes}
    assert "排队" in themes and "材料" in themes
    assert not themes & set(FILLER)


@pytest.mark.django_db
def test_the_hotspot_page_shows_the_period_it_analysed_in_its_date_fields(world, client_for):
    date_from, date_to = periods.default_period()
    html = client_for(world.supervisor).get(PAGE).content.decode()
    assert f'name="date_from" value="{date_from.isoformat()}"' in html
    assert f'name="date_to" value="{date_to.isoformat()}"' in html
    assert periods.describe(date_from, date_to) in html  # 近30天：11月3日—12月2日


@pytest.mark.django_db
def test_the_worker_warms_the_default_hot_spots_and_the_portal_index(world, django_assert_num_queries, settings):
    rating = raw_rating(world.site_a, periods.default_period()[1], Level.DISSATISFIED)
    Rating.objects.filter(pk=rating.pk).update(comment="排队太久，材料复印件不齐")
    assert warmup.warm() >= 2
    root = Target(unit=world.county.parent.parent)
    with django_assert_num_queries(0):  # served from the cache the worker filled
        result = hotspots.analyse(root, *periods.default_period(), KINDS)
    assert result.records == 1
    for code, _name in settings.LANGUAGES:
        from django.utils import translation

        with translation.override(code):
            assert cache.get(public_cache.key("index")) is not None


@pytest.mark.django_db
def test_warming_twice_recomputes_nothing(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    warmup.warm()
    with CaptureQueriesContext(connection) as second:
        warmup.warm()
    # Only the list of top-level units and the rollup stamps that say the cached league tables are current:
    # no rating, text or rollup row is read again.
    tables = {word for q in second.captured_queries for word in q["sql"].replace('"', " ").split()
              if word.startswith(("stats_", "ratings_", "hotline_", "rectification_"))}
    assert tables <= {"stats_rollupdaystamp"}, tables


@pytest.mark.django_db
def test_a_supervisors_first_hot_spot_page_reads_no_record_after_the_warm_up(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rating = raw_rating(world.site_a, periods.default_period()[1], Level.DISSATISFIED)
    Rating.objects.filter(pk=rating.pk).update(comment="排队太久，材料复印件不齐")
    assert any(t.unit == world.county for t in warmup.default_targets())  # the supervisor's own county
    warmup.warm()
    client = client_for(world.supervisor)
    with CaptureQueriesContext(connection) as page:
        html = client.get(PAGE).content.decode()
    assert "共分析 1 条记录" in html
    assert not [q for q in page.captured_queries if "ratings_rating" in q["sql"]]
