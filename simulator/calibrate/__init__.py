"""Calibration: fit a scenario's free parameters to the plans' figures (``sim calibrate``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd


def run_calibration(path: str | Path, progress: Callable[[int], None] | None = None) -> tuple[pd.DataFrame, Path]:
    """Fit, write the fitted values beside the scenario, and return (the calibration table with
    the plans' later targets appended, the fitted-values file)."""
    import simulator
    from simulator.calibrate.fit import calibrate
    from simulator.calibrate.store import calibration_table, fitted_document, plan_target_rows, write_fitted
    from simulator.scenario.load import load_with_origins

    path = Path(path)
    uncalibrated, origins, _ = load_with_origins(path, fitted=False)
    fit = calibrate(path, progress=progress)
    declared_in = origins[("calibration", "fitted")][0]
    target = declared_in.parent / uncalibrated.calibration.fitted
    write_fitted(fitted_document(fit, uncalibrated, f"sim calibrate {path}"), target)
    rows = fit.rows + plan_target_rows(fit.scenario, simulator.run(fit.scenario))
    return calibration_table(rows), target


def calibration_summary(files: list[Path]) -> str:
    """One line for the results' attributes: which fitted values were used.

    Only ``values`` of a fitted file enters the run; its ``fit`` section is a record of the
    targets met. A ``fit`` section that cannot be read (edited by hand, cut short) therefore does
    not stop the run: the line says so instead of giving the largest error."""
    import math

    from simulator.errors import ScenarioError, shorten
    from simulator.scenario.yamlio import read_yaml

    if not files:
        return "none"
    parts = []
    for file in files:
        try:
            doc, _ = read_yaml(file)
        except ScenarioError:
            doc = {}
        rows = doc.get("fit")
        readable = isinstance(rows, list) and all(isinstance(row, dict) for row in rows)
        errors = [row.get("rel_error") for row in rows] if readable else []
        if not readable or not all(isinstance(e, (int, float)) and math.isfinite(e) for e in errors):
            summary = "fit record unreadable"
        else:
            worst = f", largest |rel. error| {max(map(abs, errors)):.2%}" if errors else ""
            summary = f"{len(errors)} targets{worst}"
        parts.append(f"{file.name} ({shorten(str(doc.get('date', '?')), 20)}, {summary})")
    return "; ".join(parts)
