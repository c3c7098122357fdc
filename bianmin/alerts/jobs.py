"""The worker's sweep of early warnings (registered in apps.py, placed in bianmin.core.jobs.ORDER right after the
statistics rollup): reads the complaints and verified tickets of a bounded look-back, raises each new alert once
(Alert.key is unique) and tells the managers of its unit or site."""
from __future__ import annotations


def raise_alerts() -> int:
    from . import services

    return services.sweep()
