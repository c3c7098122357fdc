"""Turn the staff pages' form posts into the plain dicts the services validate.

The services are the one place rules are checked; these helpers only reshape HTML form fields
(one material per line, repeated co-department rows) into the same shape the API sends.
"""
from __future__ import annotations

from django.http import QueryDict

from .states import Action


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
