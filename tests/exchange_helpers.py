"""Helpers for exchange tests: a jurisdiction linked to an upstream, and the outbox rows of a record."""
from bianmin.exchange.models import ExchangeLink, OutboxRow


def link(world, *, url="http://127.0.0.1:9", profile="gbt39046-2020", unit=None, **extra) -> ExchangeLink:
    """The county (site A and the township below it) reporting to `url` under `profile`."""
    return ExchangeLink.objects.create(unit=unit or world.county, profile=profile, url=url, **extra)


def rows(**filters) -> list[OutboxRow]:
    return list(OutboxRow.objects.filter(**filters).order_by("id"))


def keys(**filters) -> list[str]:
    return [r.key for r in rows(**filters)]
