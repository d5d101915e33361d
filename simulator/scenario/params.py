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
import math
import re
import typing
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from simulator.errors import echo

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$", re.ASCII)

MAX_MAGNITUDE = 1e15
"""Largest size of any number in a scenario (persons, yuan, years, rates): a larger one would
overflow the projection into infinities, and no region needs it."""
MIN_MAGNITUDE = 1e-12
"""Smallest size of a number other than 0: a smaller one (such as 1e-320) is a slip, not a
measurement, and a division by it overflows."""
MAX_DATED_ENTRIES = 2_000
"""Most dates in one dated parameter (monthly values for 166 years)."""


class MergeWhole:
    """Marks a value that a child scenario replaces whole instead of merging key by key
    (``Annotated[dict[int, float], WHOLE]``, or ``merge_whole = True`` on a block class)."""

    def __repr__(self) -> str:
        return "WHOLE"


WHOLE = MergeWhole()


def size_problem(value: Any) -> str | None:
    """Why a number (or a number inside a mapping) is out of the sizes a scenario allows, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if not abs(value) <= MAX_MAGNITUDE:
            return f"{echo(value)} is larger than {MAX_MAGNITUDE:g} (expected a number of sensible size)"
        if value and abs(value) < MIN_MAGNITUDE:
            return f"{echo(value)} is smaller than {MIN_MAGNITUDE:g} but not 0 (expected 0 or a larger number)"
        return None
    if isinstance(value, dict):
        return next((p for k, v in value.items() if (p := size_problem(k) or size_problem(v))), None)
    return None


def _holds_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, dict):
        return any(isinstance(k, bool) or isinstance(v, bool) for k, v in value.items())
    return False


class Strict(BaseModel):
    """Base of every scenario block: unknown keys are errors, objects are immutable, numbers are
    finite (no ``.nan`` or ``.inf``), 0 or between :data:`MIN_MAGNITUDE` and
    :data:`MAX_MAGNITUDE` in size, and ``true``/``false`` is never read as 1/0."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    merge_whole: ClassVar[bool] = False

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        types = _leaf_types(field.annotation) if field is not None else {bool}
        if typing.Any in types or any(isinstance(t, type) and issubclass(t, BaseModel) for t in types):
            return value  # a block or a dated parameter checks its own values; Any takes true/false as such
        if _holds_bool(value) and bool not in types:
            raise ValueError(f"{echo(value)} holds true/false (expected a number or text)")
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _magnitude(cls, value: Any) -> Any:
        if problem := size_problem(value):
            raise ValueError(problem)
        return value


def _leaf_types(annotation: Any) -> set[Any]:
    """The types an annotation is made of (``bool | None`` -> {bool, NoneType})."""
    args = typing.get_args(annotation)
    return {annotation} if not args else set().union(*(_leaf_types(a) for a in args))


def parse_date(key: Any) -> dt.date:
    """``2019`` -> 2019-01-01, ``"2019-05"`` -> 2019-05-01, ``"2019-05-03"`` -> itself."""
    if isinstance(key, bool):
        raise ValueError(f"bad date {echo(key)} (expected a year, YYYY-MM or YYYY-MM-DD)")
    if isinstance(key, int):
        key = str(key)
    if isinstance(key, dt.date):
        return key
    m = _DATE.match(key.strip()) if isinstance(key, str) else None
    if not m:
        raise ValueError(f"bad date {echo(key)} (expected a year, YYYY-MM or YYYY-MM-DD)")
    year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"bad date {echo(key)}: {exc} (expected a real calendar date)") from None


class Uprating(Strict):
    """Annual growth after the last dated value: wage x wage growth + prices x inflation + fixed.
    A rule is replaced whole by a child scenario: ``{prices: 1.0}`` over ``{wage: 0.5}`` means
    prices only, not half the wage growth plus prices."""

    merge_whole: ClassVar[bool] = True

    wage: float = Field(0.0, ge=-1, le=2, description="share of nominal wage growth")
    prices: float = Field(0.0, ge=-1, le=2, description="share of consumer-price inflation")
    fixed: float = Field(0.0, ge=-0.5, le=0.5, description="fixed annual rate")


META_KEYS = frozenset({"values", "uprating", "interpolation", "unit", "source", "note"})
"""The keys of a dated parameter's full form; any other key is a date."""


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
        meta = {k: v for k, v in data.items() if str(k) in META_KEYS}
        dates = {k: v for k, v in data.items() if str(k) not in META_KEYS}
        values = meta.get("values", {})
        if isinstance(values, tuple):  # the dumped form of a validated parameter: ((date, value), ...)
            values = dict(values)
        elif isinstance(values, list):
            raise ValueError("values is a list (expected a mapping of dates to numbers, e.g. values: {2015: 0.2})")
        elif not isinstance(values, dict):
            values = {1900: values}
        # Date keys beside the metadata come from a child scenario amending its parent's
        # schedule (extends merges mappings key by key): they join ``values``, child last.
        values = {**values, **dates}
        if not values:
            raise ValueError("no values (expected a number, {date: value} or values: {date: value})")
        if len(values) > MAX_DATED_ENTRIES:
            raise ValueError(f"{len(values):,} dated values (expected at most {MAX_DATED_ENTRIES:,})")
        by_date: dict[dt.date, float] = {}
        for key, value in values.items():
            try:
                date = parse_date(key)
            except ValueError as exc:
                raise PydanticCustomError("dated", str(exc), {"key": str(key)}) from None
            by_date[date] = _number(key, value)  # the same date written twice: the later (child's) wins
        return {**meta, "values": tuple(sorted(by_date.items()))}

    def check_range(self, lower: float | None, upper: float | None, what: str) -> None:
        for date, value in self.values:
            lo_ok = value >= (-MAX_MAGNITUDE if lower is None else lower)
            hi_ok = value <= (MAX_MAGNITUDE if upper is None else upper)
            if not (lo_ok and hi_ok):  # written so that NaN fails too
                lo = f"{-MAX_MAGNITUDE:g}" if lower is None else f"{lower:g}"
                hi = f"{MAX_MAGNITUDE:g}" if upper is None else f"{upper:g}"
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


def _number(key: Any, value: Any) -> float:
    """A dated value as a finite float, or the error that names its date."""
    ctx = {"key": str(key), "value": echo(value)}
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PydanticCustomError("dated", "value {value} at {key} is not a number (expected a number)", ctx)
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise PydanticCustomError("dated", "value {value} at {key} is not a finite number (expected a number)", ctx)
    if number and abs(number) < MIN_MAGNITUDE:
        raise PydanticCustomError(
            "dated", f"value {{value}} at {{key}} is smaller than {MIN_MAGNITUDE:g} but not 0 (expected 0 or a larger number)", ctx
        )
    return number


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
