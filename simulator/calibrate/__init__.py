"""Calibration: fit a scenario's free parameters to the plans' figures (``sim calibrate``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd


def run_calibration(path: str | Path, progress: Callable[[int], None] | None = None) -> tuple[pd.DataFrame, Path]:
    """Fit, write the fitted values beside the scenario, and return (the calibration table with
    the plans' later targets appended, the fitted-values file)."""
    from simulator.calibrate.fit import calibrate
    from simulator.calibrate.store import calibration_table, fitted_document, plan_target_rows, write_fitted
    from simulator.model.projection import project
    from simulator.scenario.load import load_with_origins

    path = Path(path)
    uncalibrated, origins, _ = load_with_origins(path, fitted=False)
    fit = calibrate(path, progress=progress)
    declared_in = origins[("calibration", "fitted")][0]
    target = declared_in.parent / uncalibrated.calibration.fitted
    write_fitted(fitted_document(fit, uncalibrated, f"sim calibrate {path}"), target)
    rows = fit.rows + plan_target_rows(fit.scenario, project(fit.scenario))
    return calibration_table(rows), target
