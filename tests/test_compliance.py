"""Optional compliance of unemployment and work-injury insurance: contributions collected / due, a factor on
contributions only (1 when the scenario gives none)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import simulator
from simulator.scenario.load import override
from tests.conftest import SCENARIOS


@pytest.fixture(scope="module")
def jiangxi():
    return simulator.load_scenario(SCENARIOS / "jiangxi.yaml")


@pytest.fixture(scope="module")
def full(jiangxi):
    return simulator.run(jiangxi)


@pytest.mark.parametrize(("scheme", "rate_2017", "unchanged"), [
    ("unemployment", 0.01, ("insured", "beneficiaries", "benefits")),
    ("work_injury", 0.0075, ("insured", "beneficiaries", "benefits")),
])
def test_golden_compliance_scales_contributions_only(jiangxi, full, scheme, rate_2017, unchanged) -> None:
    """contributions = rate x compliance x base x insured, base = clip(base ratio) x average wage. Jiangxi 2017:
    unemployment rate 1% (policy.unemployment.rate from 2017-01), work injury 0.75% (work_injury.rate from
    2015-10), base ratio 0.717 (fitted, one value from 2010); with compliance 0.8 the 2017 contributions are
    rate x 0.8 x 0.717 x wage x insured, every year's are 0.8 x those without compliance, and the people and
    benefits do not move."""
    assert getattr(jiangxi, scheme).compliance is None  # by default everything due is collected
    part = simulator.run(override(jiangxi, {f"{scheme}.compliance": {"values": {2010: 0.8}}}))
    f, p = full.sel(scheme=scheme), part.sel(scheme=scheme)
    np.testing.assert_allclose(p["contributions"].values[1:], 0.8 * f["contributions"].values[1:], rtol=1e-12)
    for name in unchanged:
        np.testing.assert_allclose(p[name].values[1:], f[name].values[1:], rtol=1e-12)
    ratio = jiangxi.employee_pension.base_ratio.at(dt.date(2017, 7, 1))
    expected = rate_2017 * 0.8 * ratio * float(full["average_wage"].sel(year=2017)) * float(p["insured"].sel(year=2017))
    assert float(p["contributions"].sel(year=2017)) == pytest.approx(expected, rel=1e-9)
