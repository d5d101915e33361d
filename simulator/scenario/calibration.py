"""Scenario block ``calibration``: which parameters ``sim calibrate`` fits, to which targets,
and where the fitted values are kept (a YAML file beside the scenario, merged into the
scenario that declares it whenever it is loaded).

A target is one of:

- a level: ``variable`` (``scheme.variable``, '+' sums several) in ``year``, equal to a seed figure
  (``seed: scheme.indicator``) or to a sourced ``value``;
- a panel: ``figures: scheme.indicator`` — every published figure of the region for that indicator
  (the plan's actuals and the official statistics, ``seeds/REGION.yaml``) from the base year to
  ``fit_until``, each a level (a bound where the source gives one: a one-sided target);
- a ratio: ``figures`` over ``of`` (two indicators of the seeds) in every year both are published;
- a growth: ``figures`` from ``years[0]`` to ``years[1]`` (model growth factor against the figures');
- a sum: ``variable`` summed over ``years[0]..years[1]`` against a sourced ``value``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from simulator.scenario.params import Strict, parse_date

CALIBRATION_LAST_YEAR = 2020  # calibration uses official figures up to this year; later ones are for backtests
_EXPRESSION = r"^[a-z_]+\.[a-z_0-9]+(\+[a-z_]+\.[a-z_0-9]+)*$"
_INDICATOR = r"^[a-z_]+\.[a-z_0-9]+$"


class FreeParameter(Strict):
    """A number, or the value of a dated parameter at one date, fitted within [lower, upper]."""

    key: str = Field(pattern=r"^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)*$", description="dotted key path in the scenario")
    at: dt.date | None = Field(None, description="for a dated parameter: the date whose value is fitted")
    lower: float = Field(allow_inf_nan=False)
    upper: float = Field(allow_inf_nan=False)
    note: str | None = None

    @field_validator("at", mode="before")
    @classmethod
    def _date(cls, value: object) -> dt.date | None:
        return None if value is None else parse_date(value)

    @field_validator("upper")
    @classmethod
    def _order(cls, upper: float, info: ValidationInfo) -> float:
        lower = info.data.get("lower")
        if lower is not None and upper <= lower:
            raise ValueError(f"upper {upper} is not above lower {lower}")
        return upper


class Target(Strict):
    """A figure, or a panel, ratio, growth or sum of figures, the run must reproduce (module docstring)."""

    kind: Literal["level", "ratio", "growth", "sum"] = "level"
    variable: str | None = Field(None, pattern=_EXPRESSION, description="scheme.variable; '+' sums several")
    year: int | None = None
    seed: str | None = Field(None, pattern=_INDICATOR, description="scheme.indicator of one actual in the region's seeds")
    figures: str | None = Field(None, pattern=_INDICATOR, description="scheme.indicator: every published figure of it")
    of: str | None = Field(None, pattern=_INDICATOR, description="the denominator indicator of a ratio")
    years: tuple[int, int] | None = Field(None, description="first and last year of a growth or a sum")
    value: float | None = Field(None, allow_inf_nan=False, description="the target in model units, when not from seeds")
    source: str | None = None
    weight: float = Field(1.0, gt=0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _shape(self) -> Target:
        given = {k for k in ("variable", "year", "seed", "figures", "of", "years", "value") if getattr(self, k) is not None}
        need = {
            "level": [{"variable", "year", "seed"}, {"variable", "year", "value"}, {"figures"}],
            "ratio": [{"figures", "of"}],
            "growth": [{"figures", "years"}],
            "sum": [{"variable", "years", "value"}],
        }[self.kind]
        if given not in need:
            shapes = " or ".join("{" + ", ".join(sorted(s)) + "}" for s in need)
            raise ValueError(f"a {self.kind} target takes {shapes} (got {{{', '.join(sorted(given))}}})")
        if self.value is not None and not self.source:
            raise ValueError("a target value needs its source")
        if self.years is not None and self.years[1] <= self.years[0]:
            raise ValueError(f"years {list(self.years)}: the second year must come after the first")
        return self

    def last_year(self) -> int | None:
        """The latest year the target uses (None for a panel: its figures' years)."""
        return self.years[1] if self.years is not None else self.year


class Calibration(Strict):
    fitted: str = Field(description="YAML file (relative to this scenario) holding the fitted values")
    fit_until: int = Field(CALIBRATION_LAST_YEAR, le=CALIBRATION_LAST_YEAR, description="last year of the figures fitted")
    parameters: list[FreeParameter] = Field(min_length=1)
    targets: list[Target] = Field(min_length=1)

    @model_validator(mode="after")
    def _targets_until(self) -> Calibration:
        late = [t for t in self.targets if (t.last_year() or 0) > self.fit_until]
        if late:
            raise ValueError(
                f"a target in {late[0].last_year()} is after fit_until {self.fit_until} "
                f"(expected figures up to {self.fit_until}; later ones are for sim backtest)"
            )
        return self
