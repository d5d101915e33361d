"""Calibration targets resolved into what a run is compared with: each a model quantity (a sum of
scheme variables in a year, or a ratio, a growth factor or a multi-year sum of them), a value in
model units, a weight, a bound where the source gives one, and its source.

Residual of target i (dimensionless)::

    level, ratio, growth, sum   r_i = w_i (m_i - v_i) / s_i
    lower bound                 r_i = w_i min(0, m_i - v_i) / s_i      (only a shortfall counts)
    upper bound                 r_i = w_i max(0, m_i - v_i) / s_i

with s_i = |v_i|, or for a bound of zero (revenue - expenditure <= 0) the size of the quantity's first
term in the run (revenue), so that every residual is a relative error. In a panel of published figures a
weak figure (confidence L) counts half.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from simulator.io.seeds import expression_terms
from simulator.scenario.schema import Scenario

Term = tuple[float, str, str, int]  # sign, scheme, variable, year
CONFIDENCE_WEIGHT = {"H": 1.0, "M": 1.0, "L": 0.5}  # a weak figure (L) counts half in a panel


@dataclass(frozen=True)
class TargetValue:
    scheme: str
    variable: str  # what is compared, for reading: scheme.expression, a ratio a/b, growth, sum
    year: int  # the (last) year
    value: float  # model units
    weight: float
    source: str
    numerator: tuple[Term, ...]
    denominator: tuple[Term, ...] = field(default=())
    bound: str | None = None  # "lower", "upper" or None
    kind: str = "level"

    def model(self, ds) -> float:
        top = _total(ds, self.numerator)
        return top / _total(ds, self.denominator) if self.denominator else top

    def relative_error(self, ds) -> float:
        """(m - v) / s, the module docstring's scale s (for a bound of zero, the first term's size)."""
        return (self.model(ds) - self.value) / (abs(self.value) or abs(_total(ds, self.numerator[:1])) or 1.0)

    def residual(self, ds) -> float:
        gap = self.relative_error(ds)
        if self.bound == "lower":
            gap = min(gap, 0.0)
        elif self.bound == "upper":
            gap = max(gap, 0.0)
        return self.weight * gap


def _total(ds, terms: tuple[Term, ...]) -> float:
    return sum(sign * float(ds[var].sel(scheme=scheme, year=year)) for sign, scheme, var, year in terms)


def variable_terms(variable: str, year: int) -> tuple[Term, ...]:
    """Terms of a target's ``scheme.variable+scheme.variable`` in ``year``."""
    return tuple((1.0, *term.split("."), year) for term in variable.split("+"))  # type: ignore[misc]


def resolve_targets(scenario: Scenario, fit_until: int | None = None, seeds_root: Path | None = None) -> list[TargetValue]:
    """The scenario's calibration targets in model units, using published figures of the years
    ``base_year .. fit_until`` only (``fit_until`` defaults to the scenario's ``calibration.fit_until``)."""
    from simulator.io.seeds import figures

    cal = scenario.calibration
    until = cal.fit_until if fit_until is None else fit_until
    table = figures(scenario.region.id, ("actual",), seeds_root)
    table = table[(table["year"] >= scenario.base_year) & (table["year"] <= until)]
    out: list[TargetValue] = []
    for t in cal.targets:
        if (t.last_year() or 0) > until:
            continue
        if t.kind == "level" and t.value is not None:
            out.append(TargetValue(t.variable.split(".")[0], t.variable, t.year, t.value, t.weight, t.source or "",
                                   variable_terms(t.variable, t.year)))  # fmt: skip
        elif t.kind == "level" and t.seed is not None:
            r = _one(table, t.seed, t.year, f"target {t.variable} {t.year}")
            out.append(TargetValue(t.variable.split(".")[0], t.variable, t.year, float(r["value"]), t.weight, r["source"],
                                   variable_terms(t.variable, t.year), bound=_bound(r)))  # fmt: skip
        elif t.kind == "level":
            for r in _rows(table, t.figures):
                if int(r["year"]) == scenario.base_year and _flow(r["variable"]):
                    continue  # the base year's flows are not projected
                if any(o.numerator == expression_terms(r["scheme"], r["variable"], int(r["year"])) and o.kind == "level" for o in out):
                    continue  # the same figure is already a target of its own
                weight = t.weight * CONFIDENCE_WEIGHT[r["confidence"]]
                out.append(TargetValue(r["scheme"], f"{r['scheme']}.{r['variable']}", int(r["year"]), float(r["value"]), weight,
                                       r["source"], expression_terms(r["scheme"], r["variable"], int(r["year"])), bound=_bound(r)))  # fmt: skip
        elif t.kind == "ratio":
            top, bottom = _rows(table, t.figures), {int(r["year"]): r for r in _rows(table, t.of)}
            for r in top:
                below = bottom.get(int(r["year"]))
                if below is None or _bound(r) or _bound(below):
                    continue
                y = int(r["year"])
                out.append(TargetValue(r["scheme"], f"{r['scheme']}.{r['variable']} / {below['variable']}", y,
                                       float(r["value"]) / float(below["value"]), t.weight, f"{r['source']}; {below['source']}",
                                       expression_terms(r["scheme"], r["variable"], y),
                                       expression_terms(below["scheme"], below["variable"], y), kind="ratio"))  # fmt: skip
        elif t.kind == "growth":
            rows = {int(r["year"]): r for r in _rows(table, t.figures) if not _bound(r)}
            a, b = t.years
            if a not in rows or b not in rows:
                raise ValueError(f"growth target {t.figures} {a}-{b}: no published figure for {a if a not in rows else b}")
            ra, rb = rows[a], rows[b]
            out.append(TargetValue(ra["scheme"], f"{ra['scheme']}.{ra['variable']} growth {a}-{b}", b,
                                   float(rb["value"]) / float(ra["value"]), t.weight, f"{ra['source']}; {rb['source']}",
                                   expression_terms(rb["scheme"], rb["variable"], b),
                                   expression_terms(ra["scheme"], ra["variable"], a), kind="growth"))  # fmt: skip
        else:  # sum over years
            a, b = t.years
            terms = tuple(term for y in range(a, b + 1) for term in variable_terms(t.variable, y))
            out.append(TargetValue(t.variable.split(".")[0], f"{t.variable} sum {a}-{b}", b, t.value, t.weight, t.source or "",
                                   terms, kind="sum"))  # fmt: skip
    if not out:
        raise ValueError(f"no published figure up to {until} for any target (expected figures in seeds/{scenario.region.id}.yaml)")
    return out


def _rows(table, indicator: str, measured: bool = True) -> list:
    """The figures of ``scheme.indicator`` by year; with ``measured``, only those a model expression measures."""
    scheme, name = indicator.split(".", 1)
    rows = table[(table["scheme"] == scheme) & (table["indicator"] == name)]
    if measured:
        rows = rows[rows["variable"].notna()]
    return [r for _, r in rows.sort_values("year", kind="stable").iterrows()]


def _one(table, indicator: str, year: int, what: str):
    """The one figure of ``indicator`` in ``year`` a target names (the plan's where it has one)."""
    rows = [r for r in _rows(table, indicator, measured=False) if int(r["year"]) == year]
    found = [r for r in rows if r["origin"] == "plan"] or rows
    if len(found) != 1:
        raise ValueError(f"{what}: {len(found)} published figures for {indicator} {year} (expected exactly one)")
    return found[0]


def _flow(expression: str) -> bool:
    """True when a term of ``expression`` is a flow (NaN in the base year)."""
    from simulator.variables import VARIABLES

    return any(VARIABLES[t].kind == "flow" for _, _, t, _ in expression_terms("", expression, 0))


def _bound(row) -> str | None:
    bound = row["bound"]
    return bound if bound in ("lower", "upper") else None


def residuals(ds, targets: list[TargetValue]) -> np.ndarray:
    return np.array([t.residual(ds) for t in targets])


def model_values(ds, targets: list[TargetValue]) -> np.ndarray:
    return np.array([t.model(ds) for t in targets])
