"""Reform scoring: what each provision of a reform buys, the way the Social Security actuaries score a
bill's provisions. A reform is a scenario that ``extends`` its parent and changes some keys (the
provisions). Each provision is scored

    alone        actuarial balance(parent + this provision) - actuarial balance(parent)
    in sequence  actuarial balance(parent + provisions 1..k) - actuarial balance(parent + provisions 1..k-1)

in the order the reform file sets them; the sequence's steps add up to the reform's whole change,
the provisions alone need not (they interact). All variants are projected in one call (one scenario
per draw, :func:`simulator.model.projection.project`), deterministically. The actuarial balance is
that of the results (:func:`simulator.model.fund.actuarial_balance`, over the whole projection, in
percent of the wage bill); schemes without a wage bill (the residents pension) are scored by the
change in their balance at the horizon (亿元).

A provision that is valid only together with the next (keys validated together, e.g. a retirement
group's new age and its cap) is joined to it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator.model.projection import project
from simulator.scenario.extends import Origins
from simulator.scenario.load import load_with_origins, override
from simulator.scenario.schema import Scenario

LABELS = {"name", "description", "source", "note", "unit", "divisor_source"}
SKIP = ("calibration", "uncertainty", "region")
COLUMNS = ["scheme", "provision", "parent", "reform", "alone", "in_sequence", "share_of_change", "unit"]


def parent_path(path: Path) -> Path | None:
    """The file that ``path``'s ``extends`` names first (resolved), or None."""
    from simulator.scenario.yamlio import read_yaml

    data, _ = read_yaml(Path(path))
    parents = data.get("extends")
    first = parents[0] if isinstance(parents, list) and parents else parents
    if not isinstance(first, str) or first.startswith("builtin:"):
        return None
    return (Path(path).parent / first).resolve()


def reform_pair(a: Path, b: Path) -> tuple[Path, Path] | None:
    """(parent, reform) when one of the two files extends the other, else None."""
    if parent_path(b) == Path(a).resolve():
        return Path(a), Path(b)
    if parent_path(a) == Path(b).resolve():
        return Path(b), Path(a)
    return None


def leaves(node: Any, prefix: str = "") -> dict[str, Any]:
    """Dotted path -> value of each leaf of a dumped scenario (a dated parameter and a {key: number}
    table are one leaf each); labels and the calibration, uncertainty and region blocks left out."""
    out: dict[str, Any] = {}
    for key, value in node.items():
        path = f"{prefix}{key}"
        if str(key) in LABELS or path in SKIP:
            continue
        dated = isinstance(value, dict) and "values" in value and isinstance(value["values"], tuple)
        table = (
            isinstance(value, dict) and value and all(isinstance(k, int) or k in ("M60", "F55", "F50") for k in value)
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value.values())
        )  # fmt: skip
        if isinstance(value, dict) and not dated and not table:
            out |= leaves(value, path + ".")
        else:
            out[path] = value
    return out


def provisions(parent: Scenario, reform: Scenario, origins: Origins, reform_file: Path) -> list[tuple[str, Any, Any]]:
    """(key, parent value, reform value) of each key that differs, in the order the reform file sets them."""
    a, b = leaves(parent.model_dump(mode="python")), leaves(reform.model_dump(mode="python"))
    changed = [k for k in b if a.get(k) != b[k]]
    if set(a) != set(b):
        changed += [k for k in a if k not in b]

    def line(key: str) -> int:
        parts = tuple(key.split("."))
        for n in range(len(parts), 0, -1):
            file, at = origins.get(parts[:n], (None, 0))
            if file is not None and Path(file).resolve() == reform_file.resolve():
                return at
        return 10**9

    return [(k, a.get(k), b.get(k)) for k in sorted(changed, key=line)]


def _show(value: Any) -> str:
    if isinstance(value, dict) and "values" in value:
        points = ", ".join(f"{d}: {v:g}" for d, v in value["values"])
        return f"{{{points}}}" + (f" then {value['uprating']}" if value.get("uprating") else "")
    return str(value)


def _variant(parent: Scenario, changes: dict[str, Any]) -> Scenario | None:
    try:
        return override(parent, changes)
    except Exception:  # noqa: BLE001 - valid only with another provision
        return None


def score(parent_file: Path, reform_file: Path) -> pd.DataFrame:
    """The scoring table (:data:`COLUMNS`): per scheme with a fund and per provision."""
    parent = load_with_origins(parent_file)[0]
    reform, origins, _ = load_with_origins(reform_file)
    if (parent.base_year, parent.horizon) != (reform.base_year, reform.horizon):
        raise ValueError("the reform and its parent must share base_year and horizon to be scored")
    items = provisions(parent, reform, origins, reform_file)
    if not items:
        return pd.DataFrame(columns=COLUMNS)
    alone = [_variant(parent, {key: new}) for key, _, new in items]
    steps: list[Scenario | None] = []
    for k in range(1, len(items) + 1):
        steps.append(_variant(parent, {key: new for key, _, new in items[:k]}))
    runs = [parent] + [s for s in alone + steps if s is not None]
    results = project(parent, draws=runs)
    index = iter(range(1, len(runs)))
    where = [next(index) if s is not None else None for s in alone + steps]
    alone_at, step_at = where[: len(items)], where[len(items) :]
    rows = []
    for scheme in map(str, results["scheme"].values):
        if bool(results["balance"].sel(scheme=scheme).isnull().all()):
            continue
        ab = results["actuarial_balance"].sel(scheme=scheme).values
        by_wage = bool(np.isfinite(ab).all())
        measure = ab * 100.0 if by_wage else results["balance"].sel(scheme=scheme).isel(year=-1).values / 1e8
        unit = "percent_of_wage_bill" if by_wage else "100m_yuan_at_horizon"
        total = measure[step_at[-1]] - measure[0] if step_at[-1] is not None else np.nan
        moved = [measure[i] for i in (*alone_at, *step_at) if i is not None]
        if all(m == measure[0] for m in moved):
            continue  # the reform does not touch this scheme
        previous = measure[0]
        for (key, old, new), a, s in zip(items, alone_at, step_at):
            in_sequence = measure[s] - previous if s is not None else np.nan
            if s is not None:
                previous = measure[s]
            share = in_sequence / total if total and np.isfinite(total) and abs(total) > 1e-12 else np.nan
            rows.append([scheme, key, _show(old), _show(new), measure[a] - measure[0] if a is not None else np.nan,
                         in_sequence, share, unit])  # fmt: skip
    table = pd.DataFrame(rows, columns=COLUMNS)
    table.attrs.update(parent=parent.name, reform=reform.name)
    return table
