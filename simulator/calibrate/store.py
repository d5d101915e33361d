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
from simulator.errors import ScenarioError
from simulator.scenario.load import scenario_hash
from simulator.scenario.schema import Scenario
from simulator.scenario.yamlio import read_yaml
from simulator.version import __version__

COLUMNS = ["region", "scheme", "year", "variable", "target", "model", "rel_error", "bound", "source"]
PARAMETER_COLUMNS = ["key", "at", "value", "lower", "upper", "sd", "at_bound", "identified"]


def fitted_document(fit: Fit, uncalibrated: Scenario, command: str, scenario_file: str) -> dict[str, Any]:
    """The YAML written beside the scenario (``scenario_file``: its path relative to the fitted file);
    only ``values`` is merged into the scenario."""
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
        "scenario_file": scenario_file,
        "scenario_sha256": scenario_hash(uncalibrated),
        "optimizer": f"scipy.optimize.least_squares (trf), {fit.evaluations} batched runs: {fit.status}",
        "fit": [{k: _finite(v) for k, v in row.items()} for row in fit.rows],
        "parameters": [{k: _finite(v) for k, v in row.items()} for row in fit.parameters],
        "values": values,
    }


def check_fit_target(target: Path, scenario: Path, declared_in: Path, line: int, force: bool) -> None:
    """Raise :class:`ScenarioError` (before any fitting) unless ``sim calibrate scenario`` may write its
    fitted values to ``target``: the scenario must name the file itself (not inherit it), the file must
    not hold another scenario file's fit, and its own earlier fit is replaced only with ``force``."""
    if declared_in.resolve() != Path(scenario).resolve():
        raise ScenarioError(
            scenario, 1, "calibration.fitted",
            f"{target.name} is the fit of {declared_in.name} (named there, at line {line}): give {Path(scenario).name} "
            "a calibration.fitted of its own",
        )  # fmt: skip
    if not target.exists():
        return
    owner = fit_owner(target)
    if owner is not None and owner.resolve() != Path(scenario).resolve():
        raise ScenarioError(
            scenario, line, "calibration.fitted",
            f"{target.name} holds the fit of {owner.name}, another scenario (name another file; never replaced)",
        )  # fmt: skip
    if not force:
        raise ScenarioError(scenario, line, "calibration.fitted", f"{target.name} exists (use --force to refit and replace it)")


def fit_owner(file: Path) -> Path | None:
    """The scenario file whose fit ``file`` holds: its ``scenario_file`` (relative to it), else the file
    named by its ``written_by`` command (by name, beside it); None when it names neither or is not a
    file of fitted values (a mapping with ``values``)."""
    try:
        document, _ = read_yaml(Path(file))  # with the limits of a scenario file (a hostile file is refused)
    except ScenarioError:
        return None
    if not isinstance(document, dict) or "values" not in document:
        return None
    file = Path(file)
    if isinstance(document.get("scenario_file"), str):
        return file.parent / document["scenario_file"]
    command = str(document.get("written_by", "")).split()
    return file.parent / Path(command[-1]).name if command[:2] == ["sim", "calibrate"] and len(command) > 2 else None


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
