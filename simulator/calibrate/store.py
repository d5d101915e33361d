"""Keep a calibration: the fitted-values YAML beside the scenario, ``calibration.csv``, and
the rows for the plans' later targets (shown beside the projection, never fitted)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from simulator.calibrate.fit import Fit
from simulator.scenario.load import scenario_hash
from simulator.scenario.schema import Scenario
from simulator.version import __version__

COLUMNS = ["region", "scheme", "year", "variable", "target", "model", "rel_error", "bound", "source"]
PARAMETER_COLUMNS = ["key", "at", "value", "lower", "upper", "sd", "at_bound", "identified"]


def fitted_document(fit: Fit, uncalibrated: Scenario, command: str) -> dict[str, Any]:
    """The YAML written beside the scenario; only ``values`` is merged into the scenario."""
    values: dict[str, Any] = {}
    for (key, at), value in fit.values.items():
        *parents, last = key.split(".")
        node = values
        for part in parents:
            node = node.setdefault(part, {})
        if at is None:
            node[last] = round(value, 10)
        else:
            node.setdefault(last, {})[at.isoformat()] = round(value, 10)
    return {
        "written_by": command,
        "date": dt.date.today().isoformat(),
        "simulator_version": __version__,
        "scenario": uncalibrated.name,
        "scenario_sha256": scenario_hash(uncalibrated),
        "optimizer": f"scipy.optimize.least_squares (trf), {fit.evaluations} batched runs: {fit.status}",
        "fit": [{k: _finite(v) for k, v in row.items()} for row in fit.rows],
        "parameters": [{k: _finite(v) for k, v in row.items()} for row in fit.parameters],
        "values": values,
    }


def _finite(value: Any) -> Any:
    """A number for the fit record; a non-finite one (e.g. the relative error of a zero target)
    is written as null, since a scenario file may hold only finite numbers."""
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    return value


def write_fitted(document: dict[str, Any], path: Path) -> None:
    header = "# Fitted values of sim calibrate, merged into the scenario that names this file. Do not edit by hand:\n"
    header += "# run sim calibrate again. Only `values` is read by the run; `fit` records the targets met.\n"
    text = header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def plan_target_rows(scenario: Scenario, ds, seeds_root: Path | None = None) -> list[dict[str, Any]]:
    """Rows for the plans' targets (kind ``target``) that a model variable represents, with the
    projected value beside them. Never fitted."""
    from simulator.io.seeds import figures_in

    rows = []
    for r in figures_in(ds, ("target",), seeds_root).itertuples(index=False):
        model = float(ds[r.variable].sel(scheme=r.scheme, year=r.year))
        bound = f", {r.bound} bound" if isinstance(r.bound, str) else ""
        rows.append({"region": scenario.region.id, "scheme": r.scheme, "year": r.year, "variable": r.variable,
                     "target": r.value, "model": model, "rel_error": (model - r.value) / r.value, "bound": "",
                     "source": f"plan target, not fitted{bound}: {r.source.split(': ', 1)[1]}"})  # fmt: skip
    return rows


def calibration_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS)


def parameter_table(parameters: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(parameters, columns=PARAMETER_COLUMNS)
