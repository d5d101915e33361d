"""Calibration: fit a scenario's free parameters to published figures (``sim calibrate``) and check
a fit against the figures it did not use (``sim backtest``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

BACKTEST_COLUMNS = ["region", "scheme", "variable", "year", "actual", "model", "rel_error", "source"]


@dataclass(frozen=True)
class Calibrated:
    table: pd.DataFrame  # one row per target, then the plans' later targets (not fitted)
    parameters: pd.DataFrame  # one row per free parameter: value, sd, at_bound, identified
    fitted: Path | None  # the fitted-values file written beside the scenario (None for a backtest)


def run_calibration(path: str | Path, progress: Callable[[int], None] | None = None, force: bool = False) -> Calibrated:
    """Fit, write the fitted values beside the scenario, and return the tables and the file. The file
    must be the scenario's own (named in it, not another scenario's fit); an earlier fit is replaced
    only with ``force`` (:func:`simulator.calibrate.store.check_fit_target`, checked before fitting)."""
    import os

    from simulator.calibrate.fit import calibrate
    from simulator.calibrate.store import (
        calibration_table,
        check_fit_target,
        fitted_document,
        parameter_table,
        plan_target_rows,
        write_fitted,
    )
    from simulator.model.projection import project
    from simulator.scenario.load import load_with_origins

    path = Path(path)
    uncalibrated, origins, _ = load_with_origins(path, fitted=False)
    declared_in, line = origins[("calibration", "fitted")]
    target = declared_in.parent / uncalibrated.calibration.fitted
    check_fit_target(target, path, declared_in, line, force)
    fit = calibrate(path, progress=progress)
    relative = os.path.relpath(path.resolve(), target.parent.resolve())
    write_fitted(fitted_document(fit, uncalibrated, f"sim calibrate {path}", relative), target)
    rows = fit.rows + plan_target_rows(fit.scenario, project(fit.scenario))
    return Calibrated(calibration_table(rows), parameter_table(fit.parameters), target)


@dataclass(frozen=True)
class Backtest:
    calibration: Calibrated
    table: pd.DataFrame  # BACKTEST_COLUMNS: every published figure after fit_until, actual against model
    results: object  # the projection of the fitted scenario (xarray.Dataset)


def run_backtest(path: str | Path, fit_until: int, progress: Callable[[int], None] | None = None) -> Backtest:
    """Calibrate on the figures up to ``fit_until`` only (the fit is not written beside the scenario),
    project, and compare with every later published figure of the region (plan actuals and official
    statistics, ``seeds/``) that a model variable measures."""
    from simulator.calibrate.fit import calibrate
    from simulator.calibrate.store import calibration_table, parameter_table
    from simulator.calibrate.targets import TargetValue
    from simulator.io.seeds import expression_terms, figures_in
    from simulator.model.projection import project

    fit = calibrate(path, progress=progress, fit_until=fit_until)
    ds = project(fit.scenario, source=path)
    later = figures_in(ds, ("actual",))
    later = later[later["year"] > fit_until]
    rows = []
    for r in later.itertuples(index=False):
        terms = expression_terms(r.scheme, r.variable, r.year)
        figure = TargetValue(r.scheme, r.variable, r.year, r.value, 1.0, r.source, terms)
        bound = f"{r.bound} bound: " if r.bound in ("lower", "upper") else ""
        model, rel = figure.model(ds), figure.relative_error(ds)  # rel: a bound of zero relative to the first term
        rows.append((fit.scenario.region.id, r.scheme, r.variable, r.year, r.value, model, rel, bound + r.source))
    table = pd.DataFrame(rows, columns=BACKTEST_COLUMNS).drop_duplicates(["scheme", "variable", "year", "actual"])
    table = table.sort_values(["scheme", "variable", "year"], kind="stable")
    calibrated = Calibrated(calibration_table(fit.rows), parameter_table(fit.parameters), None)
    return Backtest(calibrated, table.reset_index(drop=True), ds)
