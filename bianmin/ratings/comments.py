"""综合点评: comments from society about a unit or an item (SPEC §5).

Two ways in:
- the public leaves a comment on the portal (or through the public API) — always source "portal";
  nobody outside can claim that a comment came through the hotline or the supervision platform;
- staff with ENTER_COMMENT key in what arrived by mailbox, hotline, e-mail, supervision platform or the
  media, with any source.

A comment is filed under the path of the unit it is about (the target unit, else the item's accepting
unit, else none), so reading it is scoped like everything else. Comments about no unit in particular
(the platform as a whole) are read by every unit-wide reader (supervisors), who route them.
The contact phone is masked wherever a comment is shown; unmasking is logged.
"""
from __future__ import annotations

import logging
import re

from django.db.models import Q, QuerySet

from bianmin.catalog.models import Item
from bianmin.core import timeutil
from bianmin.core.errors import DomainError, InvalidInput, PermissionDenied
from bianmin.core.inputs import text as clean_text
from bianmin.orgs import scoping
from bianmin.orgs.models import Unit
from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.scoping import can

from . import events
from .models import Comment, CommentSource, Level

logger = logging.getLogger(__name__)

MAX_TEXT = 2000
# What a member of the public may name as the channel of their own comment.
PUBLIC_SOURCES = frozenset({CommentSource.PORTAL})
THROTTLE_PURPOSE = "comment"

_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{7,8}(-\d{1,6})?")



class TooManyRequests(DomainError):
    status = 429
    code = "rate_limited"


def too_many() -> TooManyRequests:
    return TooManyRequests("提交过于频繁，请稍后再试。", "Too many submissions from your address; try again in a minute.")


# ---------------------------------------------------------------- input

def clean_phone(value, *, field: str = "contact_phone") -> str:
    """A mainland mobile (13812345678) or a landline (0571-87654321, 87654321, with an optional
    extension); spaces are dropped and a +86 prefix is allowed for mobiles. Empty stays empty."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput("联系电话应为文字。", "Contact phone must be text.", field=field)
    phone = value.strip().replace(" ", "").replace("\u3000", "")
    if not phone:
        return ""
    phone = phone.removeprefix("+86")
    if len(phone) <= 20 and (_MOBILE.fullmatch(phone) or _LANDLINE.fullmatch(phone)):
        return phone
    raise InvalidInput("联系电话格式有误：请填写 11 位手机号或带区号的固定电话（如 0571-87654321）。",
                       "Contact phone must be an 11-digit mobile number or a landline such as 0571-87654321.",
                       field=field)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _refuse_control_characters(value: str, field: str, zh: str, en: str) -> None:
    # NUL and other control characters are never typed by a person; PostgreSQL refuses NUL outright.
    if _CONTROL.search(value):
        raise InvalidInput(f"{zh}含有无效字符。", f"{en} contains invalid control characters.", field=field)


def _clean_source(source) -> str:
    if source not in CommentSource.values:
        options = "、".join(str(label) for label in CommentSource.labels)
        raise InvalidInput(f"来源无效，应为：{options}。", "Source must be one of: " + ", ".join(CommentSource.values) + ".",
                           field="source")
    return source


def _clean_level(level) -> str:
    if level in (None, ""):
        return ""
    if level not in Level.values:
        raise InvalidInput("评价等级无效（非常满意、满意、基本满意、不满意、非常不满意）。",
                           "Level must be one of: " + ", ".join(Level.values) + ".", field="level")
    return level


def unit_path_for(target_unit: Unit | None, target_item: Item | None) -> str:
    if target_unit is not None:
        return target_unit.path
    if target_item is not None:
        return target_item.accepting_unit.path
    return ""


# Staff enter comments about the units in their ENTER_COMMENT scope: a site-limited grant covers its unit's
# subtree and the items its windows accept (orgs.scoping reads these fields).
ENTRY_UNITS = scoping.Scope(unit_path="path", site_memberships=scoping.SITE_SUBTREE)
ENTRY_ITEMS = scoping.Scope(site="windows__site_id")


def _may_enter_for(actor, unit: Unit | None, item: Item | None) -> bool:
    """May `actor` enter a comment about `unit` (the target, or the item's accepting unit)? A comment about no
    unit: anyone who may enter."""
    if unit is None:
        return True
    return (scoping.may(actor, Perm.ENTER_COMMENT, unit, ENTRY_UNITS)
            or (item is not None and scoping.may(actor, Perm.ENTER_COMMENT, item, ENTRY_ITEMS)))


# ---------------------------------------------------------------- writing

def add_comment(actor, *, source, text, target_unit: Unit | None = None, target_item: Item | None = None,
                contact_name="", contact_phone="", is_complaint=False, level="") -> Comment:
    """Store one comment. `actor` is None for the public (portal only), else a staff member with
    ENTER_COMMENT whose scope covers the target."""
    source = _clean_source(source)
    if source == CommentSource.COUNTER:
        raise InvalidInput("窗口投诉请在“窗口投诉”登记，由其按时限答复。",
                           "Complaints made at the centre are recorded in the counter complaints register.",
                           field="source")
    if actor is None:
        if source not in PUBLIC_SOURCES:
            raise PermissionDenied("该来源的点评只能由工作人员录入；网上留言请选择“网上留言”。",
                                   "Only staff may enter comments from this source; the public uses \"portal\".",
                                   code="staff_only_source", field="channel")
    elif not can(actor, Perm.ENTER_COMMENT):
        raise PermissionDenied("您无权录入综合点评。", "You may not enter comments.")
    body = clean_text({"text": text}, "text", "点评内容", "Comment text", max_len=MAX_TEXT)
    name = clean_text({"contact_name": contact_name}, "contact_name", "联系人", "Contact name", required=False,
                      max_len=100)
    phone = clean_phone(contact_phone)
    _refuse_control_characters(body, "text", "点评内容", "Comment text")
    _refuse_control_characters(name, "contact_name", "联系人", "Contact name")
    if not isinstance(is_complaint, bool):
        raise InvalidInput("“是否投诉”应为是或否。", "is_complaint must be true or false.", field="is_complaint")
    level = _clean_level(level)
    path = unit_path_for(target_unit, target_item)
    if actor is not None and not _may_enter_for(actor, target_unit or getattr(target_item, "accepting_unit", None),
                                                target_item):
        raise PermissionDenied("点评对象不在您的管辖范围内。", "The target unit is outside your scope.", field="target")
    comment = Comment.objects.create(
        source=source, is_complaint=is_complaint, level=level, target_unit=target_unit, target_item=target_item,
        unit_path=path, text=body, contact_name=name, contact_phone=phone, entered_by=actor,
        created_at=timeutil.now())
    events.send(events.comment_stored, Comment, comment=comment)  # e.g. a complaint opens a ticket (rectification)
    return comment


def add_counter_complaint(complaint, target_unit: Unit | None, target_item: Item | None) -> Comment:
    """A complaint made at the centre about a service (cases.complaints, provided as its `service_complaint`): the
    综合点评 complaint through which it enters the rectification loop. Its receiver was checked by the complaint's
    own service; the complainant's name and phone stay with the complaint (confidentiality)."""
    comment = Comment.objects.create(
        source=CommentSource.COUNTER, is_complaint=True, target_unit=target_unit, target_item=target_item,
        unit_path=unit_path_for(target_unit, target_item), text=f"窗口投诉 {complaint.number}：{complaint.text}",
        entered_by=complaint.received_by, created_at=complaint.received_at)
    events.send(events.comment_stored, Comment, comment=comment)  # a complaint opens a ticket (rectification)
    return comment


def resolve_target(*, unit_id=None, item_code=None, public: bool) -> tuple[Unit | None, Item | None]:
    """Turn the ids a form or JSON body names into rows; unknown ones are a 422. The public cannot
    name a secret (涉密) item."""
    unit = item = None
    if unit_id not in (None, ""):
        try:
            number = int(unit_id)
        except (TypeError, ValueError):
            number = None
        if isinstance(unit_id, bool) or number is None:
            raise InvalidInput("点评单位无效。", "target.unit_id must be a number.", field="target.unit_id")
        unit = Unit.objects.filter(pk=number).first()
        if unit is None:
            raise InvalidInput("点评单位不存在。", "No such unit.", field="target.unit_id")
    if item_code not in (None, ""):
        if not isinstance(item_code, str) or len(item_code) > 24:
            raise InvalidInput("事项编码无效。", "target.item_code must be an item code.", field="target.item_code")
        items = Item.objects.select_related("accepting_unit").filter(code=item_code.strip())
        if public:
            items = items.filter(secret=False)
        item = items.first()
        if item is None:
            raise InvalidInput("该事项不存在。", "No item with this code.", field="target.item_code")
    return unit, item


# ---------------------------------------------------------------- reading

def scope_q(user) -> Q:
    """Comments the user may read: VIEW_RATINGS over the comment's unit path (Comment.scope: a site-limited
    grant reads comments about its own unit and about the items its windows accept), plus the comments the
    user entered. General comments (no unit) are about the platform as a whole: every unit-wide reader (a
    supervisor) sees them and can route them; site-limited managers do not."""
    # A subquery: the items' windows are a to-many join, and a comment must count once.
    q = Q(pk__in=Comment.objects.for_user(user, Perm.VIEW_RATINGS).values("pk"))
    if scoping.highest_unit(user, Perm.VIEW_RATINGS) is not None:
        q |= Q(unit_path="")
    return q


def may_read(user) -> bool:
    return can(user, Perm.VIEW_RATINGS) or can(user, Perm.ENTER_COMMENT)


def visible_comments(user) -> QuerySet[Comment]:
    return (Comment.objects.filter(scope_q(user)).select_related("target_unit", "target_item", "entered_by")
            .order_by("-created_at", "-id"))


def filtered(user, f: dict) -> QuerySet[Comment]:
    qs = visible_comments(user)
    if f.get("date_from"):
        qs = qs.filter(created_at__date__gte=f["date_from"])
    if f.get("date_to"):
        qs = qs.filter(created_at__date__lte=f["date_to"])
    if f.get("complaint") is not None:
        qs = qs.filter(is_complaint=f["complaint"])
    if f.get("source"):
        qs = qs.filter(source=f["source"])
    return qs


# The full contact phone is for those who answer the comment: UNMASK over the comment's unit (a site-limited
# grant: its own unit), general comments by unit-wide grants, and the person who entered it.
UNMASK_SCOPE = scoping.Scope(unit_path="unit_path", site_memberships=scoping.SITE_OWN_UNIT, person="entered_by",
                             person_actions=frozenset({Perm.UNMASK}))


def may_unmask(user, comment: Comment) -> bool:
    if not comment.unit_path and scoping.highest_unit(user, Perm.UNMASK) is not None:
        return True
    return scoping.may(user, Perm.UNMASK, comment, UNMASK_SCOPE)


def enterable_units(user) -> QuerySet[Unit]:
    """Units a staff member may name as the target of a comment they enter, in tree order."""
    return scoping.units_for(user, Perm.ENTER_COMMENT, ENTRY_UNITS).order_by("path")
