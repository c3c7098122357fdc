"""Turn the staff pages' form posts into the plain dicts the services validate.

The services are the one place rules are checked; these helpers only reshape HTML form fields
(one material per line, repeated co-department rows) into the same shape the API sends.
"""
from __future__ import annotations

from django.db.models import QuerySet
from django.http import QueryDict

from bianmin.catalog import selectors as catalog
from bianmin.catalog import synonyms
from bianmin.catalog.models import Item
from bianmin.core.errors import InvalidInput

from .states import Action

MAX_ITEM_TEXT = 100
MAX_CHOICES = 8


class ItemNotChosen(InvalidInput):
    """What the clerk typed fits several of the site's items, or only looks like some (a typo): the page lists them
    to pick one."""

    def __init__(self, text: str, choices: list[Item]):
        super().__init__(f"请确认办理事项：与“{text}”相近的事项如下，请选择一个。",
                         f"Please confirm the item: these items are close to “{text}”; choose one.",
                         field="item_code")
        self.choices = choices


def action_data(action: str, post: QueryDict) -> dict:
    data: dict = {k: v for k, v in post.items() if k != "csrfmiddlewaretoken"}
    if action == Action.ACCEPT:
        depts = post.getlist("co_department")
        tasks = post.getlist("co_task")
        days = post.getlist("co_days")
        rows = []
        for i, dept in enumerate(depts):
            if dept:
                rows.append({"department_id": dept, "task": tasks[i] if i < len(tasks) else "",
                             "days": days[i] if i < len(days) else ""})
        data["co_departments"] = rows
        data.pop("co_department", None), data.pop("co_task", None), data.pop("co_days", None)
    if "approved" in data:
        data["approved"] = data["approved"] in ("1", "true", "on", "yes")
    return data


def resolve_item(text: str, site_items: QuerySet[Item]) -> Item:
    """The item of the new-case form from what the clerk typed: an item code (picked from the suggestions or typed),
    an exact name, or words the guide search understands (社保卡, 低保, dibao, a name with a typo) among the items
    the site's windows accept. Several matches, or only similar names, raise ItemNotChosen with them; none an
    InvalidInput."""
    text = " ".join((text or "").split())[:MAX_ITEM_TEXT]
    if not text:
        raise InvalidInput("请填写办理事项。", "Please enter the service item.", field="item_code")
    by_code = Item.objects.filter(code=text[:24]).first()
    if by_code is not None:  # any code, as before: the service says whether this site may register it
        return by_code
    by_name = site_items.filter(name=text).first()
    if by_name is not None:
        return by_name
    found = list(catalog.find(text, site_items, typos=False)[:MAX_CHOICES])
    if len(found) == 1:
        return found[0]
    # Several items, or only names that look like the words (a typo?): the clerk confirms, never a guess.
    found = found or list(catalog.find(text, site_items)[:MAX_CHOICES])
    if found:
        raise ItemNotChosen(text, found)
    raise InvalidInput(f"本中心没有与“{text}”相符的事项，请换个说法或从列表中选择。",
                       f"No item of this centre matches “{text}”; try other words or pick from the list.",
                       field="item_code")


def item_options(site_items) -> list[dict]:
    """The suggestions of the item field: code as the value, and a label holding the name, the handling type and
    the everyday words that mean the item (低保 dibao), so a browser's own list filtering finds it by them too."""
    table = synonyms.active().values()
    options = []
    for item in site_items:
        words = [syn.term for syn in table if any(t in item.name for t in syn.targets)]
        label = f"{item.name}（{item.get_handling_type_display()}）"
        if words:
            pinyin = [syn.pinyin for syn in table if syn.term in words]
            label += " · " + " ".join(words[:6] + pinyin[:6])
        options.append({"code": item.code, "label": label})
    return options
