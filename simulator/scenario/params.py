"""Dated parameters: values in force from a date on, continued by an uprating rule.

Accepted YAML forms (all equivalent in meaning)::

    employer_rate: 0.16                                   # one value, always
    employer_rate: {2015: 0.20, 2016-05-01: 0.19, 2019-05-01: 0.16}
    employer_rate:
      values: {2015: 0.20, 2019-05-01: 0.16}
      uprating: {wage: 0.6, prices: 0.0, fixed: 0.0}      # optional
      unit: "1"                                           # optional metadata
      source: "国办发〔2019〕13号"
      note: "..."

A key is a year (``2019`` = 1 January), an ISO month ``2019-05`` or date ``2019-05-01``.
A value holds from its date until the next one (``interpolation: step``, the default)
or moves in a straight line to the next one (``interpolation: linear``, for paths such
as coverage or life expectancy). Before the first date the first value holds. After the last date the value grows each year by
``wage x wage growth + prices x inflation + fixed`` when ``uprating`` is given, else
it stays. The model turns a parameter into one value per year (``simulator.model.timeline``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


class Strict(BaseModel):
    """Base of every scenario block: unknown keys are errors, objects are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def parse_date(key: Any) -> dt.date:
    """``2019`` -> 2019-01-01, ``"2019-05"`` -> 2019-05-01, ``"2019-05-03"`` -> itself."""
    if isinstance(key, bool):
        raise ValueError(f"bad date {key!r} (expected a year, YYYY-MM or YYYY-MM-DD)")
    if isinstance(key, int):
        key = str(key)
    if isinstance(key, dt.date):
        return key
    m = _DATE.match(str(key).strip())
    if not m:
        raise ValueError(f"bad date {key!r} (expected a year, YYYY-MM or YYYY-MM-DD)")
    year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"bad date {key!r}: {exc} (expected a real calendar date)") from None


class Uprating(Strict):
    """Annual growth after the last dated value: wage x wage growth + prices x inflation + fixed."""

    wage: float = Field(0.0, ge=-1, le=2, description="share of nominal wage growth")
    prices: float = Field(0.0, ge=-1, le=2, description="share of consumer-price inflation")
    fixed: float = Field(0.0, ge=-0.5, le=0.5, description="fixed annual rate")


_META = {"values", "uprating", "interpolation", "unit", "source", "note"}


class Dated(Strict):
    """A parameter as dated values; see the module docstring for the YAML forms."""

    values: tuple[tuple[dt.date, float], ...]
    uprating: Uprating | None = None
    interpolation: Literal["step", "linear"] = "step"
    unit: str | None = None
    source: str | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        """Scalar / {date: value} / full form -> full form with ``values`` as sorted pairs."""
        if isinstance(data, Dated):
            return data
        if isinstance(data, bool) or not isinstance(data, (int, float, dict)):
            raise ValueError(f"got {data!r} (expected a number or a mapping of dates to numbers)")
        if not isinstance(data, dict):
            data = {"values": data}
        meta = {k: v for k, v in data.items() if str(k) in _META}
        dates = {k: v for k, v in data.items() if str(k) not in _META}
        values = meta.get("values", {})
        if isinstance(values, (list, tuple)):  # the dumped form: ((date, value), ...)
            values = dict(values)
        elif not isinstance(values, dict):
            values = {1900: values}
        # Date keys beside the metadata come from a child scenario amending its parent's
        # schedule (extends merges mappings key by key): they join ``values``, child last.
        values = {**values, **dates}
        if not values:
            raise ValueError("no values (expected a number, {date: value} or values: {date: value})")
        by_date: dict[dt.date, float] = {}
        for key, value in values.items():
            try:
                date = parse_date(key)
            except ValueError as exc:
                raise PydanticCustomError("dated", str(exc), {"key": str(key)}) from None
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise PydanticCustomError(
                    "dated", "value {value} at {key} is not a number (expected a number)", {"key": str(key), "value": repr(value)}
                )
            by_date[date] = float(value)  # the same date written twice: the later (child's) wins
        return {**meta, "values": tuple(sorted(by_date.items()))}

    def check_range(self, lower: float | None, upper: float | None, what: str) -> None:
        for date, value in self.values:
            if (lower is not None and value < lower) or (upper is not None and value > upper):
                lo = "-inf" if lower is None else f"{lower:g}"
                hi = "inf" if upper is None else f"{upper:g}"
                raise PydanticCustomError(
                    "dated",
                    "{what} {value} from {date} is outside [{lo}, {hi}] (expected a value in range)",
                    {"what": what, "value": f"{value:g}", "date": date.isoformat(), "lo": lo, "hi": hi},
                )

    def at(self, date: dt.date) -> float:
        """The value in force on ``date`` (no uprating: use the model's timeline for that)."""
        current = self.values[0][1]
        for start, value in self.values:
            if start <= date:
                current = value
        return current


def _ranged(lower: float | None, upper: float | None, what: str):
    def check(value: Dated) -> Dated:
        value.check_range(lower, upper, what)
        return value

    return Annotated[Dated, AfterValidator(check)]


Rate = _ranged(0.0, 1.0, "rate")
"""A dated share or rate in [0, 1] (e.g. a contribution rate of 16% is 0.16)."""
Growth = _ranged(-0.5, 1.0, "growth rate")
"""A dated annual growth or interest rate in [-0.5, 1]."""
Amount = _ranged(0.0, None, "amount")
"""A dated non-negative amount (persons, yuan, years)."""
