"""Units shipped per week as ora-weekly-report and the dashboard chart them: which weeks, and a
bar per SKU and week."""

from __future__ import annotations

import datetime
from typing import TypedDict

from .client.types import ShippedWeek


class Bar(TypedDict):
    week: str
    units: int
    #: Height in percent of the highest bar of the chart.
    h: int


def first_week(today: datetime.date, weeks: int) -> datetime.date:
    """The Monday `weeks` complete weeks before the current one."""
    return today - datetime.timedelta(days=today.weekday()) - datetime.timedelta(weeks=weeks)


def bars_by_sku(weeks: list[ShippedWeek]) -> list[tuple[str, list[Bar]]]:
    """Per SKU, in code order, one bar per week (0 units where it shipped none)."""
    skus = sorted({s["skuCode"] for w in weeks for s in w["skus"]})
    top = max([s["units"] for w in weeks for s in w["skus"]] or [1])
    return [(sku, [Bar(week=w["weekStart"], units=u, h=int(100 * u / top))
                   for w in weeks for u in [next((s["units"] for s in w["skus"] if s["skuCode"] == sku), 0)]])
            for sku in skus]
