"""Derived scenario figures: computed from sourced data with the model, then written into the
scenario YAML (labelled DERIVED) so users see and can change them. Tests re-derive them.

1. Intercensal TFR and net migration (base year b < 2020, census-based): the TFR of each year
   b+1..2020 and one yearly net-migration total over them such that the projection from b
   reproduces the region's 2020 census fit: its ages 0..n-1 (the births of b+1..2020) and its
   total. Fixed point, from the scenario's own values::

       TFR[2020 - a] <- TFR[2020 - a] x fit[a] / model[a]            a = 0..n-1 (both sexes)
       net           <- net + (fit.sum() - model.sum()) / n

2. TFR implied by published births: TFR[t] x births_published[t] / births_model[t] (births are
   proportional to the TFR in the year; women aged 15+ do not depend on it).

Run ``python -m simulator.model.demography.derive SCENARIO`` to print both for a scenario.
"""

from __future__ import annotations

import sys
from dataclasses import replace

import numpy as np

from simulator.model.demography import data
from simulator.model.demography.assembly import Inputs, build_inputs, run
from simulator.model.demography.base import CENSUS_YEAR
from simulator.scenario.schema import Scenario


def intercensal(inputs: Inputs, tol: float = 1e-10) -> tuple[dict[int, float], float]:
    """({year: TFR} for base+1..2020, yearly net migrants over those years) reproducing the 2020 fit."""
    if inputs.census_fit is None or inputs.years[0] >= CENSUS_YEAR:
        raise ValueError("intercensal derivation needs a census-based base population before 2020")
    n = CENSUS_YEAR - int(inputs.years[0])
    fit = inputs.census_fit.sum(axis=0)
    tfr = inputs.tfr.copy()
    net = inputs.migration.sum(axis=(1, 2))
    profile = inputs.base / inputs.base.sum()
    shape = data.asfr_2010() / data.asfr_2010().sum()
    for _ in range(200):
        trial = replace(inputs, tfr=tfr, asfr=tfr[:, None] * shape, migration=net[:, None, None] * profile)
        model = run(trial)[0][0, n].sum(axis=0)
        ratio = fit[:n] / model[:n]
        tfr[n - np.arange(n)] *= ratio
        net[1 : n + 1] += (fit.sum() - model.sum()) / n
        if np.max(np.abs(ratio - 1.0)) < tol and abs(fit.sum() / model.sum() - 1.0) < tol:
            return {int(y): float(tfr[i]) for i, y in enumerate(inputs.years) if 0 < i <= n}, float(net[1])
    raise ArithmeticError("intercensal derivation did not converge")


def implied_tfr(inputs: Inputs, births: dict[int, float]) -> dict[int, float]:
    """{year: TFR} that gives ``births`` (persons) in those years, everything else as in ``inputs``."""
    model = run(inputs)[1][0]
    index = {int(y): i for i, y in enumerate(inputs.years)}
    projected = {y: index[y] for y in births if index.get(y, 0) > 0}
    return {y: float(inputs.tfr[i] * births[y] / model[i - 1]) for y, i in projected.items()}


def national_implied_tfr(scenario: Scenario, years: range = range(2021, 2024)) -> dict[int, float]:
    """TFR implied by the UN WPP 2024 births of ``years`` for a national scenario."""
    births = data.wpp_births()
    return implied_tfr(build_inputs(scenario), {y: births[y] for y in years})


def main(argv: list[str]) -> None:  # pragma: no cover - a helper for maintainers
    from simulator.scenario.load import load_scenario

    scenario = load_scenario(argv[0])
    inputs = build_inputs(scenario)
    if inputs.census_fit is not None and scenario.base_year < CENSUS_YEAR:
        tfr, net = intercensal(inputs)
        print("intercensal TFR:", {y: round(v, 3) for y, v in tfr.items()}, f"net migration per year: {net:,.0f}")
    if scenario.region.level == "country":
        print("TFR implied by WPP 2024 births:", {y: round(v, 3) for y, v in national_implied_tfr(scenario).items()})


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
