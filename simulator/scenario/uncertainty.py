"""The ``uncertainty:`` block of a scenario: the stochastic model of ``sim run --draws`` and the cases
of ``sim sensitivity``. No numerics here.

Every key is optional: what a scenario leaves out comes from the defaults shipped in
``simulator/data/uncertainty/defaults.yaml`` (estimated by ``scripts/estimate_shocks.py``), read by
:func:`shipped_defaults`, the one loader of that file. :func:`settings` merges a scenario's block
over them and returns the complete block. The model and its sources: ``docs/uncertainty.md``.

    uncertainty:
      start_year: 2025                  # first year a shock applies (default: after the estimation span)
      economy:                          # correlated AR(1) deviations from the scenario's paths
        wage_growth: {persistence: 0.24, innovation_sd: 0.016}
        fund_return: {enabled: false}   # switched off: the scenario's path in every draw
        unemployment_rate: {level: 0.04}
        correlation: [[1, 0.56, 0.46, -0.52], ...]
      long_run: {enabled: true, wage_growth: 0.0074}     # one level shift per draw
      demography: {tfr: {innovation_sd: 0.06}, e0_sex_correlation: 1.0}
      assumptions:                      # other dated parameters made uncertain
        unemployment.take_up: {sd: 0.05, persistence: 1.0, lower: 0.0, upper: 1.0}
      sensitivity:                      # sim sensitivity: change a default case, or add one
        wage_growth: {low: -0.02, high: 0.02}
        unemployment.take_up: {keys: [unemployment.take_up], how: add, low: -0.1, high: 0.1}
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal

from pydantic import Field, model_validator

from simulator.scenario.extends import DATA_DIR
from simulator.scenario.params import Strict

DEFAULTS_FILE = DATA_DIR / "uncertainty" / "defaults.yaml"
ECONOMY = ("wage_growth", "inflation", "fund_return", "unemployment_rate")
DEMOGRAPHY = ("tfr", "e0_male", "e0_female")
KEY_PATH = r"^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)+$"


class Shock(Strict):
    """One AR(1) deviation: z_t = persistence z_(t-1) + innovation_sd e_t (unit of the variable)."""

    persistence: float | None = Field(None, gt=-1.0, lt=1.0, description="AR(1) coefficient")
    innovation_sd: float | None = Field(None, ge=0.0, description="sd of the yearly innovation")
    enabled: bool = Field(True, description="false: no shock (the scenario's path in every draw)")


class UnemploymentShock(Shock):
    level: float | None = Field(None, gt=0.0, lt=1.0, description="central unemployment rate: z scales claims by (level + z) / level")


class DemographicShock(Shock):
    initial_sd: float | None = Field(None, ge=0.0, description="sd of z in the jump-off year")


class EconomyShocks(Strict):
    wage_growth: Shock = Shock()
    inflation: Shock = Shock()
    fund_return: Shock = Shock()
    unemployment_rate: UnemploymentShock = UnemploymentShock()
    correlation: tuple[tuple[float, ...], ...] | None = Field(
        None, description="4 x 4 innovation correlations, order wage_growth, inflation, fund_return, unemployment_rate"
    )

    @model_validator(mode="after")
    def _square(self) -> EconomyShocks:
        c = self.correlation
        if c is not None:
            if len(c) != len(ECONOMY) or any(len(row) != len(ECONOMY) for row in c):
                raise ValueError(f"correlation must be {len(ECONOMY)} x {len(ECONOMY)} (expected rows for {', '.join(ECONOMY)})")
            if any(c[i][j] != c[j][i] for i in range(len(c)) for j in range(i)):
                raise ValueError("correlation is not symmetric (expected c[i][j] = c[j][i])")
            if any(c[i][i] != 1.0 for i in range(len(c))) or any(abs(v) > 1.0 for row in c for v in row):
                raise ValueError("correlation needs 1 on the diagonal and entries in [-1, 1]")
        return self


class LongRun(Strict):
    """One shift per draw of each economic path's long-run level, N(0, sd^2), correlated like the
    innovations, from ``start_year`` on (fractions per year)."""

    enabled: bool = Field(True, description="false: no long-run shifts")
    wage_growth: float | None = Field(None, ge=0.0)
    inflation: float | None = Field(None, ge=0.0)
    fund_return: float | None = Field(None, ge=0.0)
    unemployment_rate: float | None = Field(None, ge=0.0)


class DemographyShocks(Strict):
    jump_off_year: int | None = Field(None, ge=1950, le=2200, description="year whose z has sd initial_sd")
    tfr: DemographicShock = DemographicShock()
    e0_male: DemographicShock = DemographicShock()
    e0_female: DemographicShock = DemographicShock()
    e0_sex_correlation: float | None = Field(None, ge=-1.0, le=1.0)
    tfr_e0_correlation: float | None = Field(None, ge=-1.0, le=1.0)


class UncertainAssumption(Strict):
    """A dated parameter made uncertain: value + z_t from ``start_year`` on, z stationary with sd ``sd``:
    z_start ~ N(0, sd^2), z_t = persistence z_(t-1) + sqrt(1 - persistence^2) sd e_t (persistence 1:
    one shift per draw), clipped to [lower, upper]."""

    sd: float = Field(ge=0.0, description="sd of the deviation, in the parameter's unit")
    persistence: float = Field(1.0, ge=0.0, le=1.0)
    lower: float | None = None
    upper: float | None = None

    @model_validator(mode="after")
    def _bounds(self) -> UncertainAssumption:
        if self.lower is not None and self.upper is not None and self.upper <= self.lower:
            raise ValueError(f"upper {self.upper} is not above lower {self.lower}")
        return self


class SensitivityCase(Strict):
    """A one-at-a-time change of ``sim sensitivity``: ``how`` (add or scale) ``low`` and ``high`` to the
    keys (dated parameters from ``start_year`` on, or numbers). A default case (by its name) keeps its keys."""

    keys: tuple[str, ...] | None = Field(None, min_length=1, description="dotted key paths changed together")
    how: Literal["add", "scale"] | None = None
    low: float
    high: float

    @model_validator(mode="after")
    def _paths(self) -> SensitivityCase:
        import re

        bad = [k for k in self.keys or () if not re.match(KEY_PATH, k)]
        if bad:
            raise ValueError(f"key {bad[0]!r} is not a dotted key path (expected e.g. unemployment.take_up)")
        return self


class Uncertainty(Strict):
    start_year: int | None = Field(None, ge=1991, le=2200, description="first year a shock applies")
    economy: EconomyShocks = EconomyShocks()
    long_run: LongRun = LongRun()
    demography: DemographyShocks = DemographyShocks()
    assumptions: dict[str, UncertainAssumption] = Field(default_factory=dict)
    sensitivity: dict[str, SensitivityCase] = Field(default_factory=dict)
    source: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _assumption_paths(self) -> Uncertainty:
        import re

        bad = [k for k in self.assumptions if not re.match(KEY_PATH, k)]
        if bad:
            raise ValueError(f"assumptions key {bad[0]!r} is not a dotted key path (expected e.g. unemployment.take_up)")
        return self


@lru_cache(maxsize=1)
def _defaults_block() -> dict[str, Any]:
    import yaml

    raw = yaml.safe_load(DEFAULTS_FILE.read_text(encoding="utf-8"))
    eco, demo = raw["economy"], raw["demography"]
    economy: dict[str, Any] = {name: dict(eco["variables"][name]) for name in ECONOMY}
    economy["correlation"] = [list(row) for row in eco["correlation"]]
    demography: dict[str, Any] = {name: dict(demo[name]) for name in DEMOGRAPHY}
    for key in ("jump_off_year", "e0_sex_correlation", "tfr_e0_correlation"):
        demography[key] = demo[key]
    return {
        "start_year": int(eco["estimation_span"][1]) + 1,
        "economy": economy,
        "long_run": {"enabled": True, **{name: raw["long_run"][name] for name in ECONOMY}},
        "demography": demography,
        "source": f"{DEFAULTS_FILE.name} (scripts/estimate_shocks.py; docs/uncertainty.md)",
    }


def shipped_defaults() -> Uncertainty:
    """The complete block from ``defaults.yaml`` (every key set)."""
    return Uncertainty.model_validate(_defaults_block())


def settings(block: Uncertainty | None, base_year: int) -> Uncertainty:
    """The scenario's block over the shipped defaults, key by key; ``start_year`` is at least
    ``base_year + 1``."""
    merged = _merge(_defaults_block(), block.model_dump(exclude_none=True, exclude_unset=True) if block else {})
    out = Uncertainty.model_validate(merged)
    start = max(out.start_year or base_year + 1, base_year + 1)
    return out.model_copy(update={"start_year": start})


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out
