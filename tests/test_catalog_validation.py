"""Guide rules (SPEC §2, S001:L195): itemised wording, sane limits, versions that take effect by date."""
import datetime as dt

import pytest
from django.utils import timezone

from bianmin.catalog.guides import current_version, publish_guide
from bianmin.catalog.models import Condition, Material
from bianmin.catalog.validators import vague_wording, validate_item_guide
from bianmin.core.errors import InvalidInput

VAGUE = [
    ("身份证、户口簿等", "等"),
    ("户口簿等。", "等"),
    ("居民身份证等证明", "等"),
    ("等材料", "等"),
    ("身份证等有效证件", "等"),
    ("初中、高中等学历证明", "等"),  # 中等 is a word, but here 等 closes a list
    ("收入证明、房产证明等等", "等等"),
    ("其他材料", "其他"),
    ("其它证明", "其它"),
    ("申请人认为需要提交的其他", "其他"),
]
SPECIFIC = [
    "伤残等级鉴定结论",
    "申请人与被申请人地位平等",
    "在等候区取号后等待叫号",
    "荣获市级二等奖以上的获奖证书",
    "三级甲等医院出具的诊断证明",
    "等额本息还款计划表",
    "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》复印件",  # a quoted title is verbatim
    "居民身份证",
]


@pytest.mark.parametrize("text,word", VAGUE)
def test_vague_wording_is_found(text, word):
    assert vague_wording(text) == word


@pytest.mark.parametrize("text", SPECIFIC + ["", None])
def test_specific_wording_passes(text):
    assert vague_wording(text) is None


@pytest.mark.parametrize("text,word", VAGUE[:4] + VAGUE[7:9])
def test_vague_condition_blocks_publication_with_bilingual_message(world, text, word):
    item = world.item_committed
    Condition.objects.create(item=item, order=2, text=text)
    with pytest.raises(InvalidInput) as exc:
        publish_guide(item)
    assert exc.value.field == "conditions" and word in exc.value.zh and "第2项" in exc.value.zh
    assert "catch-all" in exc.value.en and exc.value.status == 422
    assert not item.versions.exists()


def test_vague_material_name_blocks_publication(world):
    item = world.item_instant
    Material.objects.create(item=item, order=3, name="结婚证、离婚证等", role=Material.Role.SUPPORTING)
    with pytest.raises(InvalidInput) as exc:
        validate_item_guide(item)
    assert exc.value.field == "materials" and "结婚证、离婚证等" in exc.value.zh


def test_specific_words_publish(world):
    item = world.item_committed
    for i, text in enumerate(SPECIFIC[:3], 2):
        Condition.objects.create(item=item, order=i, text=text)
    Material.objects.create(item=item, order=3, name=SPECIFIC[-2], role=Material.Role.SUPPORTING)
    version = publish_guide(item)
    assert SPECIFIC[0] in version.content["conditions"]


def test_committed_limit_cannot_exceed_statutory_in_same_unit(world):
    item = world.item_committed
    item.committed_limit, item.statutory_limit = 25, 20
    with pytest.raises(InvalidInput) as exc:
        validate_item_guide(item)
    assert exc.value.field == "committed_limit" and "法定时限" in exc.value.zh
    item.committed_unit = "hours"  # different units are not compared
    validate_item_guide(item)


def test_publication_needs_a_condition_and_a_material(world):
    item = world.item_joint
    item.materials.all().delete()
    with pytest.raises(InvalidInput) as exc:
        publish_guide(item)
    assert exc.value.field == "materials"
    item.conditions.all().delete()
    with pytest.raises(InvalidInput) as exc:
        publish_guide(item)
    assert exc.value.field == "conditions"


def test_versions_number_up_and_take_effect_on_their_date(world):
    item = world.item_committed
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    v1 = publish_guide(item, note="初始发布")
    Material.objects.create(item=item, order=3, name="低保申请审批表", role=Material.Role.MAIN)
    v2 = publish_guide(item, effective_date=tomorrow, note="新增审批表")
    assert (v1.number, v2.number) == (1, 2)
    assert current_version(item) == v1  # the future version is not in effect yet
    assert current_version(item, tomorrow) == v2
    assert "低保申请审批表" not in [m["name"] for m in v1.content["materials"]]
    assert "低保申请审批表" in [m["name"] for m in v2.content["materials"]]
    assert current_version(item, today - dt.timedelta(days=1)) is None
