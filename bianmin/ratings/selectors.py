"""Read queries for ratings, always scoped to what the signed-in person may see (DESIGN rule 3)."""
from __future__ import annotations

from django.db.models import QuerySet

from bianmin.orgs.models import Unit
from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.scoping import may

from .models import Rating


def visible_ratings(user, action: str = Perm.VIEW_RATINGS) -> QuerySet[Rating]:
    """Ratings of the sites (or, for ratings without a site, the departments) in the user's scope."""
    return Rating.objects.for_user(user, action)


def get_rating(user, rating_id: int) -> Rating | None:
    return (visible_ratings(user).select_related("case", "item", "staff", "window", "site", "department", "device",
                                                 "entered_by")
            .prefetch_related("flags").filter(pk=rating_id).first())


def may_review_flags(user, rating: Rating) -> bool:
    return may(user, Perm.REVIEW_FLAGS, rating)


def may_unmask(user, rating: Rating) -> bool:
    return may(user, Perm.UNMASK, rating)


def filtered(user, f: dict) -> QuerySet[Rating]:
    qs = visible_ratings(user).select_related("item", "staff", "window", "site").prefetch_related("flags")
    if f.get("level"):
        qs = qs.filter(level=f["level"])
    if f.get("bad") is not None:
        qs = qs.filter(is_bad=f["bad"])
    if f.get("flagged") is not None:
        qs = qs.filter(flagged=f["flagged"])
    if f.get("channel"):
        qs = qs.filter(channel=f["channel"])
    if f.get("site_id"):
        qs = qs.filter(site_id=f["site_id"])
    if f.get("unit"):
        path = Unit.objects.filter(pk=f["unit"]).values_list("path", flat=True).first()
        qs = qs.filter(unit_path__startswith=path) if path else qs.none()
    if f.get("date_from"):
        qs = qs.filter(created_at__date__gte=f["date_from"])
    if f.get("date_to"):
        qs = qs.filter(created_at__date__lte=f["date_to"])
    return qs.order_by("-created_at", "-id")
