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
    """One line for the results' attributes: which fitted values were used."""
    import yaml

    if not files:
        return "none"
    parts = []
    for file in files:
        doc = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        errors = [abs(row.get("rel_error", 0.0)) for row in doc.get("fit", [])]
        worst = f", largest |rel. error| {max(errors):.2%}" if errors else ""
        parts.append(f"{file.name} ({doc.get('date', '?')}, {len(errors)} targets{worst})")
    return "; ".join(parts)
