"""Fund accounts shared by the residents pension, unemployment and work-injury schemes.

Per projected year t (arrays ``[draw, year]``, yuan)::

    expenditure[t] = benefits + other_outgo + transfers_out
    interest[t]    = r[t] x (B[t-1] + (contributions + subsidy + transfers_in - expenditure) / 2)
    revenue[t]     = contributions + subsidy + interest + transfers_in
    B[t]           = B[t-1] + revenue[t] - expenditure[t]

(interest on the mid-year balance: the year's other flows arrive evenly through the year).
:func:`fund_indicators` turns the lines into the indicators every scheme reports, from the base
year on: the base year holds the opening balance and NaN for the flows it does not project.
"""

from __future__ import annotations

import numpy as np

Indicators = dict[str, tuple[np.ndarray, str, str]]

LINES = {
    "contributions": "contributions collected",
    "subsidy": "fiscal subsidies",
    "transfers_in": "transfers in from other funds",
    "benefits": "benefits paid",
    "other_outgo": "other expenditure",
    "transfers_out": "transfers out to other funds",
}


def roll_forward(balance0: float | np.ndarray, rate: np.ndarray, lines: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``interest``, ``revenue``, ``expenditure``, ``balance`` [draw, T] from the six ``LINES`` [draw, T]
    and the return ``rate`` [T]; ``balance0`` is the opening balance (scalar or [draw])."""
    c, s, t_in = lines["contributions"], lines["subsidy"], lines["transfers_in"]
    expenditure = lines["benefits"] + lines["other_outgo"] + lines["transfers_out"]
    interest = np.zeros_like(c)
    revenue = np.zeros_like(c)
    balance = np.zeros_like(c)
    previous = np.broadcast_to(np.asarray(balance0, dtype=float), c.shape[:1])
    for t in range(c.shape[1]):
        interest[:, t] = rate[t] * (previous + 0.5 * (c[:, t] + s[:, t] + t_in[:, t] - expenditure[:, t]))
        revenue[:, t] = c[:, t] + s[:, t] + interest[:, t] + t_in[:, t]
        balance[:, t] = previous + revenue[:, t] - expenditure[:, t]
        previous = balance[:, t]
    return {"interest": interest, "revenue": revenue, "expenditure": expenditure, "balance": balance}


def with_base(projected: np.ndarray, base: float | np.ndarray = np.nan) -> np.ndarray:
    """[draw, T] projected values -> [draw, 1 + T] with ``base`` in front (the base year)."""
    head = np.broadcast_to(np.asarray(base, dtype=float), projected.shape[:1])[:, None]
    return np.concatenate([head, projected], axis=1)


def fund_indicators(
    balance0: float, rate: np.ndarray, lines: dict[str, np.ndarray], notes: dict[str, str] | None = None
) -> Indicators:
    """The fund lines, interest, revenue, expenditure, balance, current balance, fund ratio and the
    subsidy needed, over base year + projected years. ``notes`` replace the default long names of lines."""
    money = dict(lines) | roll_forward(balance0, rate, lines)
    names = (
        LINES
        | {
            "interest": "return on the mid-year fund balance",
            "revenue": "contributions + subsidy + interest + transfers in",
            "expenditure": "benefits + other outgo + transfers out",
        }
        | (notes or {})
    )
    out: Indicators = {k: (with_base(v), "yuan", names[k]) for k, v in money.items() if k != "balance"}
    balance = with_base(money["balance"], balance0)
    out["balance"] = (balance, "yuan", "fund balance at year end")
    out["current_balance"] = (with_base(lines["contributions"] - lines["benefits"]), "yuan", "contributions - benefits")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["fund_ratio"] = (balance / out["expenditure"][0], "1", "balance / expenditure (years of spending)")
    out["subsidy_needed"] = (
        with_base(np.maximum(-money["balance"], 0.0)),
        "yuan",
        "extra subsidy that would keep the year-end balance >= 0",
    )
    return out
