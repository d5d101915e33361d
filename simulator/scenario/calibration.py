"""Scenario block ``calibration``: which parameters ``sim calibrate`` fits, to which targets,
and where the fitted values are kept (a YAML file beside the scenario, merged into the
scenario that declares it whenever it is loaded)."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, ValidationInfo, field_validator, model_validator

from simulator.scenario.params import Strict, parse_date


class FreeParameter(Strict):
    """A number, or the value of a dated parameter at one date, fitted within [lower, upper]."""

    key: str = Field(pattern=r"^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)*$", description="dotted key path in the scenario")
    at: dt.date | None = Field(None, description="for a dated parameter: the date whose value is fitted")
    lower: float
    upper: float
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
    """A figure the run must reproduce: a plan's figure (``seed``) or a sourced ``value``."""

    variable: str = Field(pattern=r"^[a-z_]+\.[a-z_]+(\+[a-z_]+\.[a-z_]+)*$", description="scheme.variable; '+' sums several")
    year: int
    seed: str | None = Field(None, description="scheme.indicator of an actual in the region's seeds/ file")
    value: float | None = Field(None, description="the target in model units, when not from seeds")
    source: str | None = None
    weight: float = Field(1.0, gt=0)

    @model_validator(mode="after")
    def _one_origin(self) -> Target:
        if (self.seed is None) == (self.value is None):
            raise ValueError("give exactly one of seed or value (with its source)")
        if self.value is not None and not self.source:
            raise ValueError("a target value needs its source")
        return self


class Calibration(Strict):
    fitted: str = Field(description="YAML file (relative to this scenario) holding the fitted values")
    parameters: list[FreeParameter] = Field(min_length=1)
    targets: list[Target] = Field(min_length=1)
