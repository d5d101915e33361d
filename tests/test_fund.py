"""The fund ledger: one interest rule and three subsidy modes, worked by hand; identities on random
lines; the employee pension's interest in a real run pinned to the rule."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import simulator
from simulator.model.fund import COVER_DEFICIT, KEEP_NONNEGATIVE, PATH, roll_forward
from simulator.scenario.load import override
from tests.conftest import SCENARIOS

LINES = ("contributions", "subsidy", "transfers_in", "benefits", "other_outgo", "transfers_out")


def one_year(contributions, subsidy, transfers_in, benefits, other_outgo, transfers_out) -> dict[str, np.ndarray]:
    values = dict(zip(LINES, (contributions, subsidy, transfers_in, benefits, other_outgo, transfers_out)))
    return {k: np.full((1, 1), float(v)) for k, v in values.items()}


def test_worked_example_every_subsidy_mode() -> None:
    """Return r = 5%; contributions 200, transfers in 20, benefits 300, other outgo 10, transfers out 30
    (expenditure 340); the scheme's subsidy path says 50. Interest is earned on the mid-year balance,
    every flow of the year (the subsidy too) arriving evenly: interest = r (B0 + (C + S + Tin - E) / 2).

    - path, B0 = 1,000: S = 50; interest = 0.05 x (1,000 + (200 + 50 + 20 - 340) / 2) = 0.05 x 965 = 48.25;
      revenue = 200 + 50 + 48.25 + 20 = 318.25; B1 = 1,000 + 318.25 - 340 = 978.25.
    - cover_deficit, B0 = 1,000: S = max(0, 300 - 200) = 100; interest = 0.05 x (1,000 + (-20) / 2) = 49.5;
      revenue = 369.5; B1 = 1,029.5.
    - keep_nonnegative, B0 = 100: without a subsidy B1 = 100 x 1.05 + (200 + 20 - 340) x 1.025 = -18 < 0, so
      S = 120 - 100 x 1.05 / 1.025 = 17.56097561; interest = 0.05 x (100 + (-120 + 17.56097561) / 2)
      = 2.43902439; revenue = 200 + 17.56097561 + 2.43902439 + 20 = 240; B1 = 100 + 240 - 340 = 0.
    - keep_nonnegative, B0 = 1,000: no subsidy needed, S = 0; interest = 0.05 x (1,000 - 60) = 47; B1 = 927.
    """
    lines = one_year(200, 50, 20, 300, 10, 30)
    balance0 = np.array([1000.0, 1000.0, 100.0, 1000.0])
    mode = np.array([PATH, COVER_DEFICIT, KEEP_NONNEGATIVE, KEEP_NONNEGATIVE])
    r = roll_forward(balance0, np.array([0.05]), lines, mode)
    np.testing.assert_allclose(r["subsidy"][:, 0], [50.0, 100.0, 120.0 - 100.0 * 1.05 / 1.025, 0.0], rtol=1e-12)
    np.testing.assert_allclose(r["interest"][:, 0], [48.25, 49.5, 2.43902439, 47.0], rtol=1e-9)
    np.testing.assert_allclose(r["revenue"][:, 0], [318.25, 369.5, 240.0, 267.0], rtol=1e-12)
    np.testing.assert_allclose(r["expenditure"][:, 0], 340.0)
    np.testing.assert_allclose(r["balance"][:, 0], [978.25, 1029.5, 0.0, 927.0], atol=1e-9)


def test_worked_example_two_years_of_interest() -> None:
    """B0 = 100, r = 10%, each year contributions 50, subsidy 10, transfers in 5, benefits 20, other
    outgo 3, transfers out 2 (expenditure 25), mode path:
    year 1: interest = 0.1 x (100 + (50 + 10 + 5 - 25) / 2) = 12; revenue = 77; B1 = 100 + 77 - 25 = 152;
    year 2: interest = 0.1 x (152 + 20) = 17.2; revenue = 82.2; B2 = 152 + 82.2 - 25 = 209.2."""
    lines = {k: np.full((1, 2), float(v)) for k, v in zip(LINES, (50, 10, 5, 20, 3, 2))}
    r = roll_forward(100.0, np.array([0.1, 0.1]), lines)
    np.testing.assert_allclose(r["interest"][0], [12.0, 17.2])
    np.testing.assert_allclose(r["revenue"][0], [77.0, 82.2])
    np.testing.assert_allclose(r["balance"][0], [152.0, 209.2])


amounts = st.floats(0.0, 1e9)


@given(
    st.lists(st.tuples(amounts, amounts, amounts, amounts, amounts, amounts, st.floats(-0.05, 0.2)), min_size=1, max_size=8),
    st.floats(-1e9, 1e10),
    st.sampled_from([PATH, COVER_DEFICIT, KEEP_NONNEGATIVE]),
)
def test_identities_and_modes(years, balance0, mode) -> None:
    """revenue and expenditure add up, the balance rolls forward, the subsidy follows its mode."""
    values = np.array(years)
    lines = {k: values[None, :, i] for i, k in enumerate(LINES)}
    rate = values[:, 6]
    r = roll_forward(np.array([balance0]), rate, lines, np.array([mode]))
    s, c, t_in = r["subsidy"][0], lines["contributions"][0], lines["transfers_in"][0]
    e = lines["benefits"][0] + lines["other_outgo"][0] + lines["transfers_out"][0]
    np.testing.assert_allclose(r["revenue"][0], c + s + r["interest"][0] + t_in, rtol=1e-12)
    previous = np.concatenate([[balance0], r["balance"][0, :-1]])
    np.testing.assert_allclose(r["balance"][0], previous + r["revenue"][0] - e, rtol=1e-9, atol=1e-3)
    np.testing.assert_allclose(r["interest"][0], rate * (previous + 0.5 * (c + s + t_in - e)), rtol=1e-9, atol=1e-3)
    assert (s >= 0).all()
    if mode == COVER_DEFICIT:
        np.testing.assert_allclose(s, np.maximum(lines["benefits"][0] - c, 0.0))
    if mode == KEEP_NONNEGATIVE:
        assert (r["balance"][0] >= -1e-6 * (1 + np.abs(previous) + e)).all()
        assert ((s == 0) | (np.abs(r["balance"][0]) <= 1e-6 * (1 + np.abs(previous) + e))).all()


@pytest.fixture(scope="module")
def jiangxi():
    return simulator.load_scenario(SCENARIOS / "jiangxi.yaml")


@pytest.mark.parametrize("mode", ["path", "cover_deficit"])
def test_employee_pension_interest_follows_the_rule(jiangxi, mode) -> None:
    """The employee fund of a real run (a non-zero opening balance, a 2.5% return) earns interest on the
    mid-year balance, subsidy included; ``cover_deficit`` pays max(0, benefits - contributions)."""
    subsidy = {"mode": mode, "path": {"values": {2010: 5.0e9}} if mode == "path" else None}  # only mode path reads a path
    scenario = override(jiangxi, {"employee_pension.subsidy": subsidy})
    ds = simulator.run(scenario).sel(scheme="employee_pension")
    p = slice(1, None)
    b, c, s = ds["balance"].values, ds["contributions"].values[p], ds["subsidy"].values[p]
    t_in, e = ds["transfers_in"].values[p], ds["expenditure"].values[p]
    rate = 0.025  # economy.fund_return of the scenario
    assert b[0] > 0
    np.testing.assert_allclose(ds["interest"].values[p], rate * (b[:-1] + 0.5 * (c + s + t_in - e)), rtol=1e-10)
    if mode == "cover_deficit":
        np.testing.assert_allclose(s, np.maximum(ds["benefits"].values[p] - c, 0.0))
        assert (s > 0).any()


# ---------------------------------------------------------------- views of money


def _fund(balance0: float, net: list[float], rate: float, scheme: str = "employee_pension"):
    """A one-scheme, one-draw Dataset (base year + len(net) years) whose flows net to ``net`` a year
    (contributions = net, nothing else), and its return path."""
    import xarray as xr

    from simulator.dims import DRAW, SCHEME, YEAR

    years = np.arange(2010, 2011 + len(net))
    flows = np.array([[[np.nan, *net]]])
    zero = np.where(np.isnan(flows), np.nan, 0.0)
    r = np.full((1, len(years)), rate)
    lines = {k: np.nan_to_num(v)[0, :, 1:] for k, v in {"contributions": flows, "subsidy": zero, "transfers_in": zero,
                                                           "benefits": zero, "other_outgo": zero, "transfers_out": zero}.items()}
    rolled = roll_forward(np.array([balance0]), r[:, 1:], lines)
    balance = np.concatenate([[[[balance0]]], rolled["balance"][:, None]], axis=-1)
    data = {"contributions": flows, "subsidy": zero, "transfers_in": zero, "expenditure": zero, "balance": balance}
    ds = xr.Dataset({k: ((DRAW, SCHEME, YEAR), v) for k, v in data.items()}, coords={SCHEME: [scheme], YEAR: years})
    return ds, r


def test_subsidy_needed_pv_worked_example() -> None:
    """B0 = 100, r = 10%, net flows (contributions + subsidy + transfers in - expenditure) -150, -50, +200.
    The extra subsidy x keeps the topped-up balance B' >= 0; a year's flows arrive mid-year (x 1.05):

    - year 1: B0 (1 + r) = 110; 110 + (-150 + x) 1.05 >= 0  ->  x1 = 150 - 110 / 1.05 = 45.2380952, B'1 = 0;
    - year 2: B'1 = 0, so x2 = 50, B'2 = 0;
    - year 3: +200 needs nothing, x3 = 0.
    PV at the end of the base year: x1 1.05 / 1.1 = 47.5 / 1.1 = 43.1818182; + x2 1.05 / 1.21 = 52.5 / 1.21
    = 43.3884298 -> 86.5702479; year 3 adds nothing. Check: without the extra subsidy B1 = 110 - 157.5 = -47.5,
    B2 = -47.5 x 1.1 - 52.5 = -104.75, and 104.75 / 1.21 = 86.5702479 (the fund has not recovered by year 2)."""
    from simulator.model.fund import subsidy_needed_pv

    ds, r = _fund(100.0, [-150.0, -50.0, 200.0], 0.10)
    pv = subsidy_needed_pv(ds, r).values[0, 0]
    np.testing.assert_allclose(pv, [0.0, 43.1818182, 86.5702479, 86.5702479], rtol=1e-8)
    np.testing.assert_allclose(ds["balance"].values[0, 0, 1:3], [-47.5, -104.75], rtol=1e-12)


@given(
    st.floats(0, 1e3),
    st.lists(st.floats(-500, 300), min_size=1, max_size=30),
    st.floats(-0.02, 0.12),
)
def test_subsidy_needed_pv_properties(balance0: float, net: list[float], rate: float) -> None:
    """The present value is the running maximum of the discounted shortfall, max(0, max over k <= t of
    -balance[k] v[k]) (the extra subsidies reflect the discounted balance at zero): it never falls, is zero
    while the fund holds, and equals the present value of ``subsidy_needed`` in a year the fund reaches a
    new discounted low."""
    from simulator.model.fund import subsidy_needed_pv

    ds, r = _fund(balance0, net, rate)
    pv = subsidy_needed_pv(ds, r).values[0, 0]
    balance = ds["balance"].values[0, 0]
    v = (1.0 + rate) ** -np.arange(len(balance))
    expected = np.maximum.accumulate(np.maximum(-balance * v, 0.0))
    np.testing.assert_allclose(pv, expected, rtol=1e-9, atol=1e-9 * (1 + np.abs(balance).max()))


def test_price_index_worked_example() -> None:
    """Inflation 2022-2026 = 2.0%, 0.2%, 0.2%, 1.5%, 2.0%, reference year 2024: P2024 = 1; P2025 = 1.015;
    P2026 = 1.015 x 1.02 = 1.0353; P2023 = 1 / 1.002 = 0.998003992; P2022 = P2023 / 1.002 = 0.996011968
    (the 2022 inflation moves P from 2021, outside the years)."""
    from simulator.model.economy import price_index, price_year

    years = np.arange(2022, 2027)
    p = price_index(np.array([0.02, 0.002, 0.002, 0.015, 0.02]), years, price_year(years))
    np.testing.assert_allclose(p, [1 / 1.002**2, 1 / 1.002, 1.0, 1.015, 1.0353], rtol=1e-12)
    assert price_year(np.arange(2030, 2041)) == 2030  # a run that does not cover 2024: its base year


@given(st.lists(st.floats(-0.05, 0.3), min_size=2, max_size=40), st.data())
def test_price_index_grows_with_inflation(inflation: list[float], data) -> None:
    from simulator.model.economy import price_index

    years = np.arange(2000, 2000 + len(inflation))
    reference = data.draw(st.sampled_from(list(years)))
    p = price_index(np.array([inflation]), years, int(reference))[0]
    assert p[years == reference] == 1.0
    np.testing.assert_allclose(p[1:] / p[:-1], 1.0 + np.array(inflation[1:]), rtol=1e-12)


def test_money_views_of_a_run() -> None:
    """In a run: each share times the wage bill gives the amount back; the residents pension is measured
    against the employee pension's wage bill; the price index is 1 in its reference year; the present
    value of the subsidy needed matches the accumulated shortfall while a fund stays dry."""
    from tests.outputs_support import results

    ds = results()
    bill = ds["wage_bill"]
    for name in ("balance", "current_balance", "subsidy"):
        share = ds[f"{name}_to_wage_bill"]
        own = share.sel(scheme="employee_pension") * bill.sel(scheme="employee_pension")
        np.testing.assert_allclose(own, ds[name].sel(scheme="employee_pension"), rtol=1e-12)
        residents = share.sel(scheme="resident_pension") * bill.sel(scheme="employee_pension")
        np.testing.assert_allclose(residents, ds[name].sel(scheme="resident_pension"), rtol=1e-12)
    reference = int(ds["price_index"].attrs["reference_year"])
    assert reference == 2024 and float(ds["price_index"].sel(year=reference)) == 1.0
    balance = ds["balance"].sel(scheme="employee_pension")
    last = int(ds["year"][-1])
    if float(balance.sel(year=last)) < 0:
        v = np.cumprod(np.r_[1.0, 1.0 / (1.0 + ds["fund_return"].values[1:])])
        expected = -float(balance.sel(year=last)) * v[-1]
        assert float(ds["subsidy_needed_pv"].sel(scheme="employee_pension", year=last)) == pytest.approx(expected, rel=1e-9)
