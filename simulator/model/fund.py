"""The fund ledger of every scheme: interest, subsidy modes, balance and the indicators derived from it.

A scheme gives its cash-flow lines (yuan, [draw, year]) and its :class:`FundTerms`; per projected
year t, with r the fund return and B the balance at year end::

    expenditure[t] = benefits + other_outgo + transfers_out
    interest[t]    = r[t] x (B[t-1] + (contributions + subsidy + transfers_in - expenditure) / 2)
    revenue[t]     = contributions + subsidy + interest + transfers_in
    B[t]           = B[t-1] + revenue[t] - expenditure[t]

Interest is earned on the mid-year balance: every flow of the year, the subsidy included, arrives
evenly through the year. The subsidy follows the scheme's mode:

    path               the scheme's own ``subsidy`` line (a sourced path, or what its rules give)
    cover_deficit      max(0, benefits - contributions)
    keep_nonnegative   just enough for B[t] >= 0:  with n = contributions + transfers_in - expenditure,
                       B[t] = B[t-1] (1 + r) + (n + subsidy)(1 + r/2), so
                       subsidy = max(0, -(B[t-1] (1 + r) / (1 + r/2) + n))

Indicators: current balance = contributions - benefits (the gap before subsidies, interest and
transfers), fund ratio = balance / expenditure, subsidy needed = max(0, -balance), PAYG cost rate =
expenditure / wage bill, the balance, current balance and subsidy as shares of the wage bill, the
present value of the extra subsidies that keep the balance >= 0; over the horizon the depletion year
and the actuarial balance.
The base year holds the opening balance and NaN for the flows it does not project.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from simulator.dims import DRAW, SCHEME, YEAR
from simulator.model.labels import with_base
from simulator.variables import EP, attrs

SUBSIDY_MODES = ("path", "cover_deficit", "keep_nonnegative")
PATH, COVER_DEFICIT, KEEP_NONNEGATIVE = range(3)


@dataclass(frozen=True)
class FundTerms:
    """Opening balance (yuan) and subsidy mode (index into :data:`SUBSIDY_MODES`), each [D or 1]."""

    balance0: np.ndarray
    subsidy_mode: np.ndarray


def roll_forward(
    balance0: np.ndarray, rate: np.ndarray, lines: dict[str, np.ndarray], mode: np.ndarray | int = PATH
) -> dict[str, np.ndarray]:
    """``subsidy``, ``interest``, ``revenue``, ``expenditure``, ``balance`` [D, T] from the lines
    ``contributions, subsidy, transfers_in, benefits, other_outgo, transfers_out`` [D or 1, T], the
    return ``rate`` [D or 1, T] or [T], the opening balance [D or 1] and the subsidy mode [D or 1]."""
    c, t_in, b = lines["contributions"], lines["transfers_in"], lines["benefits"]
    shape = np.broadcast_shapes(*(np.shape(v) for v in lines.values()), np.shape(rate), np.shape(balance0) + (1,))
    rate = np.broadcast_to(rate, shape)
    expenditure = np.broadcast_to(b + lines["other_outgo"] + lines["transfers_out"], shape)
    mode = np.broadcast_to(np.asarray(mode), shape[:1])
    subsidy = np.array(np.broadcast_to(lines["subsidy"], shape), dtype=float)
    interest, revenue, balance = (np.zeros(shape) for _ in range(3))
    previous = np.broadcast_to(np.asarray(balance0, dtype=float), shape[:1])
    net = np.broadcast_to(c + t_in, shape) - expenditure  # contributions + transfers in - expenditure
    deficit = np.maximum(np.broadcast_to(b - c, shape), 0.0)
    for t in range(shape[1]):
        r = rate[:, t]
        keep = np.maximum(-(previous * (1.0 + r) / (1.0 + 0.5 * r) + net[:, t]), 0.0)
        subsidy[:, t] = np.where(mode == COVER_DEFICIT, deficit[:, t], np.where(mode == KEEP_NONNEGATIVE, keep, subsidy[:, t]))
        s = subsidy[:, t]
        interest[:, t] = r * (previous + 0.5 * (c[..., t] + s + t_in[..., t] - expenditure[:, t]))
        revenue[:, t] = c[..., t] + s + interest[:, t] + t_in[..., t]
        balance[:, t] = previous + revenue[:, t] - expenditure[:, t]
        previous = balance[:, t]
    return {"subsidy": subsidy, "interest": interest, "revenue": revenue, "expenditure": expenditure, "balance": balance}


def ledger(ds: xr.Dataset, terms: FundTerms, rate: np.ndarray) -> xr.Dataset:
    """``ds`` (one scheme over (draw, year), base year first) with its fund: the roll-forward of its
    lines from the opening balance at ``rate`` [D or 1, Y], and the ledger's indicators."""
    scheme = ds.attrs.get("scheme", "")
    lines = {name: ds[name].values[:, 1:] for name in ("contributions", "subsidy", "transfers_in", "benefits", "other_outgo", "transfers_out")}
    money = roll_forward(terms.balance0, np.asarray(rate)[..., 1:], lines, terms.subsidy_mode)
    base = np.broadcast_to(np.asarray(terms.balance0, dtype=float), (ds.sizes[DRAW],))
    values = {name: with_base(v) for name, v in money.items() if name != "balance"}
    values["balance"] = with_base(money["balance"], base)
    values["current_balance"] = with_base(lines["contributions"] - lines["benefits"])
    values["subsidy_needed"] = with_base(np.maximum(-money["balance"], 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        values["fund_ratio"] = values["balance"] / values["expenditure"]
        if "wage_bill" in ds:
            values["payg_cost_rate"] = values["expenditure"] / ds["wage_bill"].values
    shape = (ds.sizes[DRAW], ds.sizes[YEAR])
    return ds.assign({name: ((DRAW, YEAR), np.broadcast_to(v, shape), attrs(name, (scheme,))) for name, v in values.items()})


def depletion_year(balance: xr.DataArray) -> xr.DataArray:
    """First year whose year-end balance is negative (NaN if none)."""
    first = balance[YEAR].where(balance < 0).min(YEAR)
    return first.assign_attrs(attrs("depletion_year"))


def actuarial_balance(ds: xr.Dataset, discount: np.ndarray) -> xr.DataArray:
    """(balance at base year + PV(contributions + transfers in - expenditure)) / PV(wage bill), over the
    projected years, discounted at ``discount`` [D or 1, Y] (the fund return, from the base year); NaN
    for a scheme without a wage bill (the residents pension)."""
    years = ds[YEAR]
    factor = np.cumprod(1.0 / (1.0 + np.atleast_2d(discount)), axis=-1)
    factor = xr.DataArray(np.broadcast_to(factor, (ds.sizes[DRAW], factor.shape[-1])), dims=(DRAW, YEAR))
    projected = years > years[0]
    income = (ds["contributions"] + ds["transfers_in"] - ds["expenditure"]).where(projected, 0.0)
    payroll = ds["wage_bill"].where(projected, 0.0)
    base = (payroll * factor).sum(YEAR)
    value = (ds["balance"].isel({YEAR: 0}) + (income * factor).sum(YEAR)) / base.where(base > 0)
    return value.assign_attrs(attrs("actuarial_balance"))


def period_actuarial_balance(ds: xr.Dataset, rate: np.ndarray, first: int, length: int) -> xr.DataArray:
    """Actuarial balance over the ``length`` years from ``first`` (valued at the end of ``first - 1``)::

        (B[first-1] + sum_t v_t (contributions + transfers in - expenditure)_t) / sum_t v_t wage bill_t,
        v_t = prod_(k = first..t) 1 / (1 + r_k)

    ``ds`` over (draw, scheme, year) or (scheme, year), ``rate`` [D or 1, Y] the fund return; NaN
    when the period runs past the horizon or the scheme has no wage bill."""
    years = ds[YEAR].values
    if first - 1 < years[0] or first + length - 1 > years[-1]:
        return xr.full_like(ds["balance"].isel({YEAR: 0}, drop=True), np.nan).assign_attrs(attrs("actuarial_balance"))
    period = (years >= first) & (years < first + length)
    factor = np.cumprod(np.where(period, 1.0 / (1.0 + np.atleast_2d(rate)), 1.0), axis=-1) * period
    dims = (DRAW, YEAR) if DRAW in ds.dims else (YEAR,)
    v = xr.DataArray(factor if DRAW in ds.dims else factor[0], dims=dims, coords={YEAR: years})
    income = (ds["contributions"] + ds["transfers_in"] - ds["expenditure"]).fillna(0.0)
    payroll = (ds["wage_bill"] * v).sum(YEAR)
    value = (ds["balance"].sel({YEAR: first - 1}) + (income * v).sum(YEAR)) / payroll.where(payroll > 0)
    return value.assign_attrs(attrs("actuarial_balance"))


SHARES = ("balance", "current_balance", "subsidy")  # shown as shares of the wage bill: NAME_to_wage_bill


def wage_shares(ds: xr.Dataset) -> dict[str, xr.DataArray]:
    """``NAME_to_wage_bill = NAME / wage bill`` for the names of :data:`SHARES` (``ds`` over (draw, scheme,
    year)). A scheme without a wage base of its own (the residents pension) is measured against the
    employee pension's wage bill, the region's covered payroll."""
    bill = ds["wage_bill"]
    if EP in ds[SCHEME].values:
        bill = bill.where(bill.notnull().any(YEAR), bill.sel({SCHEME: EP}))
    bill = bill.where(bill > 0)
    schemes = tuple(map(str, ds[SCHEME].values))
    return {f"{name}_to_wage_bill": (ds[name] / bill).assign_attrs(attrs(f"{name}_to_wage_bill", schemes)) for name in SHARES}


def subsidy_needed_pv(ds: xr.Dataset, rate: np.ndarray) -> xr.DataArray:
    """Present value at the end of the base year of the extra subsidies that would keep the year-end
    balance >= 0, paid from the first projected year to each year (a running total; 0 in the base year).

    The extra subsidy x[t] is the ``keep_nonnegative`` rule on top of the scenario's own flows (the
    scenario's subsidy included), on the balance B' that the extra subsidies keep up, with the fund
    return r [D or 1, Y] and n = contributions + subsidy + transfers in - expenditure::

        x[t]  = max(0, -(B'[t-1] (1 + r) / (1 + r/2) + n[t]))
        B'[t] = B'[t-1] (1 + r) + (n[t] + x[t]) (1 + r/2)          (B'[base] = the balance)
        PV[t] = sum over k = first..t of  x[k] (1 + r[k]/2) v[k],   v[k] = prod over j = first..k of 1 / (1 + r[j])

    x is paid through the year, as every flow of the ledger, so it is worth x (1 + r/2) at the year's end.
    While a fund that ran dry has not recovered, PV[t] = max(0, -balance[t]) v[t]: the present value of
    ``subsidy_needed``."""
    net = (ds["contributions"] + ds["subsidy"] + ds["transfers_in"] - ds["expenditure"]).transpose(DRAW, SCHEME, YEAR).values
    r = np.broadcast_to(np.atleast_2d(np.asarray(rate, dtype=float))[:, None, :], net.shape)
    topped = ds["balance"].isel({YEAR: 0}).transpose(DRAW, SCHEME).values.astype(float)
    out = np.zeros(net.shape)
    pv, v = np.zeros(topped.shape), np.ones(topped.shape)
    for t in range(1, net.shape[-1]):
        grow, half = topped * (1.0 + r[..., t]), 1.0 + 0.5 * r[..., t]
        extra = np.maximum(-(grow / half + net[..., t]), 0.0)
        topped = grow + (net[..., t] + extra) * half
        v = v / (1.0 + r[..., t])
        pv = pv + extra * half * v
        out[..., t] = pv
    out[np.isnan(ds["balance"].transpose(DRAW, SCHEME, YEAR).values)] = np.nan
    schemes = tuple(map(str, ds[SCHEME].values))
    return xr.DataArray(out, dims=(DRAW, SCHEME, YEAR), coords={SCHEME: ds[SCHEME].values, YEAR: ds[YEAR].values},
                        attrs=attrs("subsidy_needed_pv", schemes))  # fmt: skip
