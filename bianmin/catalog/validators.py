"""Guide validation: the one place for the catalogue's wording and completeness rules (SPEC §2).

S001:L195 asks that conditions and materials be "条目式列举", and "不得出现“等”“其他”字样": a citizen
must be able to tell from the guide exactly what to bring. The same functions back publication
(guides.publish_guide), the Django admin forms and the supplement notice in cases.services.
"""
from __future__ import annotations

import re

from bianmin.core.errors import InvalidInput

# "其他/其它" is a catch-all wherever it appears ("其他材料", "其他证明").
_OTHER = re.compile(r"其[他它]")

# "等" is also a real morpheme: 等级, 平等, 等候, 一等奖 … The suffixes and prefixes below form such
# words; an "等" outside them is an enumeration cut short ("身份证、户口簿等", "等材料").
_SUFFIX = "级|候|待|到|于|同|额|价|量|效|比|距|值|次|第|腰|边|高|分|号|式|速|温|压|奖|功|品"
_PREFIX = "平|同|相|对|均|高|初|中|优|上|下|次|特|头|劣|超|何|不|[一二三四五六七八九十甲乙丙丁0-9]"
_LEGIT_DENG = re.compile(rf"等(?:{_SUFFIX})|(?:{_PREFIX})等")
# Checked before the legit words are removed, so "初中、高中等学历证明" is not excused by 中等:
# 等 right before a category noun, or closing a 、-separated list.
_CATEGORY = "材料|证明|证件|证书|证照|文件|资料|相关|有关|情形|情况|手续|内容|事项|方面|单位|部门|人员|费用"
_STRONG_DENG = re.compile(rf"等(?:{_CATEGORY})|、[^、，。；,;]*等(?!{_SUFFIX})")

# Text inside 《》 is the verbatim title of a law or document; its wording is not ours to change.
_TITLE = re.compile(r"《[^《》]*》")


def vague_wording(text: str | None) -> str | None:
    """The catch-all word `text` uses ("等", "等等", "其他", "其它"), or None when it is specific."""
    if not text:
        return None
    plain = _TITLE.sub("", str(text))
    found = _OTHER.search(plain)
    if found:
        return found.group(0)
    if "等等" in plain:
        return "等等"
    if _STRONG_DENG.search(plain) or "等" in _LEGIT_DENG.sub("", plain):
        return "等"
    return None


def _vague_error(text: str, word: str, field: str, what_zh: str, what_en: str, index: int) -> InvalidInput:
    return InvalidInput(
        f"{what_zh}第{index}项“{text}”使用了笼统表述“{word}”，请逐项列明（不得出现“等”“其他”字样）。",
        f"{what_en} {index} (“{text}”) uses the catch-all wording “{word}”; list every item explicitly.",
        field=field,
    )


def condition_error(text: str, index: int = 1) -> InvalidInput | None:
    word = vague_wording(text)
    return _vague_error(text, word, "conditions", "受理条件", "Condition", index) if word else None


def material_error(name: str, index: int = 1) -> InvalidInput | None:
    word = vague_wording(name)
    return _vague_error(name, word, "materials", "申请材料", "Material", index) if word else None


def limit_error(statutory_limit, statutory_unit, committed_limit, committed_unit) -> InvalidInput | None:
    """A committed limit longer than the statutory one promises less than the law requires.

    Limits in different units (e.g. hours vs working days) are not compared: converting them would
    need the calendar and the opening hours, and such items are rare enough to check by hand.
    """
    if None in (statutory_limit, committed_limit) or statutory_unit != committed_unit:
        return None
    if committed_limit > statutory_limit:
        return InvalidInput(
            f"承诺时限（{committed_limit}）不能超过法定时限（{statutory_limit}）。",
            f"The committed time limit ({committed_limit}) cannot exceed the statutory limit ({statutory_limit}).",
            field="committed_limit",
        )
    return None


def guide_problems(item) -> list[InvalidInput]:
    """Every reason the item's guide cannot be published yet, in reading order."""
    problems: list[InvalidInput] = []
    conditions = [c.text for c in item.conditions.all()]
    materials = [m.name for m in item.materials.all()]
    if not conditions:
        problems.append(InvalidInput("发布前至少须列明一项受理条件。",
                                     "List at least one condition before publishing.", field="conditions"))
    if not materials:
        problems.append(InvalidInput("发布前至少须列明一项申请材料。",
                                     "List at least one material before publishing.", field="materials"))
    problems += [e for i, t in enumerate(conditions, 1) if (e := condition_error(t, i))]
    problems += [e for i, n in enumerate(materials, 1) if (e := material_error(n, i))]
    err = limit_error(item.statutory_limit, item.statutory_unit, item.committed_limit, item.committed_unit)
    if err:
        problems.append(err)
    return problems


def validate_item_guide(item) -> None:
    """Raise InvalidInput for the first problem that blocks publication of the item's guide."""
    problems = guide_problems(item)
    if problems:
        raise problems[0]
