"""One vocabulary: every variable the model writes is in the registry and carries its units and
labels from it; the registry is complete and consistent; ``simulator.run`` returns what ``sim run``
writes."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from simulator.cli import app
from simulator.dims import DRAW, SCHEME, SCHEMES
from simulator.variables import FUND_SIDES, VARIABLES
from tests.outputs_support import results


@pytest.fixture(scope="module")
def ds() -> xr.Dataset:
    return results()


def test_every_output_variable_is_registered_with_its_units(ds) -> None:
    for name, var in ds.data_vars.items():
        assert name in VARIABLES, name
        entry = VARIABLES[name]
        assert var.attrs["units"] == entry.units and var.attrs["long_name"] == entry.description, name
        assert var.attrs["label_zh"] == entry.zh and var.attrs["label_en"] == entry.en, name


def test_scheme_descriptions_follow_each_scheme(ds) -> None:
    """A variable whose meaning differs by scheme says so for each scheme that has it."""
    for name, var in ds.data_vars.items():
        if SCHEME not in var.dims:
            continue
        having = [s for s in map(str, ds[SCHEME].values) if bool(var.sel({SCHEME: s}).notnull().any())]
        for s in having:
            if s in VARIABLES[name].schemes:
                assert var.attrs[f"description_{s}"] == VARIABLES[name].schemes[s], (name, s)
    assert "employers pay" not in ds["contributors"].attrs["description_employee_pension"]
    assert ds["transfers_in"].attrs["description_employee_pension"].startswith("pooling receipts")


def test_registry_is_complete() -> None:
    for v in VARIABLES.values():
        assert v.units and v.en and v.zh and v.description, v.name
        assert set(v.schemes) <= set(SCHEMES), v.name
        assert v.kind in ("stock", "flow", "level", "ratio", "horizon"), v.name
    for side, names in FUND_SIDES.items():
        assert all(VARIABLES[n].side == side for n in names), side
    units_of = {}
    for v in VARIABLES.values():  # no two names that differ by a plural with different units
        units_of.setdefault(v.name.rstrip("s"), set()).add(v.units)
    assert all(len(u) == 1 for u in units_of.values()), {k: u for k, u in units_of.items() if len(u) > 1}


def test_headline_current_balance_is_the_rows_above_it(ds) -> None:
    """contributions - benefits: the headline shows both lines and their difference."""
    ep = ds.sel(scheme="employee_pension", year=2020)
    assert float(ep["current_balance"]) == pytest.approx(float(ep["contributions"] - ep["benefits"]))


def test_run_returns_what_sim_run_writes(tmp_path, jiangxi_path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(jiangxi_path), "-o", str(out), "--no-plots", "--quiet"])
    assert result.exit_code == 0, result.output
    written = xr.load_dataset(out / "results.nc")
    returned = results()
    assert set(written.data_vars) == set(returned.data_vars)
    for name in returned.data_vars:
        np.testing.assert_array_equal(written[name].values, returned[name].values, err_msg=name)
        assert written[name].attrs == returned[name].attrs, name
    skip = {"created"}
    assert {k: str(v) for k, v in written.attrs.items() if k not in skip} == {
        k: str(v) for k, v in returned.attrs.items() if k not in skip
    }
    assert DRAW not in written.dims
