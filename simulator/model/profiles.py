"""First pension and replacement rate of OECD-style profiles by birth cohort (``sim calc pension --profiles``).

A profile earns a fixed multiple m of the scenario's average wage W_y all career (0.5, 1, 2) and
contributes on base_y = clip(m, floor, cap) x W_y (the 60%-300% bounds of the policy), so its average
index is I = clip(m, 0.6, 3.0). A *full* career starts at 22 and runs to the claim month; a *short* one
is the minimum contribution years in force at the claim (15, rising to 20 from 2030 under the reform),
ending at the claim. Each cohort is born in July; it claims at the statutory age of its group.

The award is :func:`simulator.model.award.calc_award` with the province's rules:
- benefit base = previous-year average monthly wage of the scenario, W_{y-1} / 12 (as the cohort
  model's award; the province's published base is lower where it blends in private-unit wages);
- account = 8% (11% before 2006) of the bases from max(1998, account start) with the scenario's
  crediting rates (:func:`simulator.model.award.account_from_history`);
- deemed / pre-account years = years of the career before the account start;
- replacement rate = first pension / (m x W_y / 12) in the claim year (gross, own final wage).

Wages before the scenario's base year run back at the scenario's first wage growth (an assumption,
said in the table's notes). :func:`scenario_wages` is the one place that reads the scenario's paths.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import product

import numpy as np

from simulator.model.award import CalcError, Worker, account_from_history, calc_award, month_text
from simulator.model.retirement import min_contribution_years, month_index, statutory_retirement
from simulator.model.timeline import annual
from simulator.scenario.employee_pension import EmployeePensionPolicy
from simulator.scenario.province_rules import AccountRules, ProvinceRules
from simulator.scenario.schema import Retirement, Scenario

MULTIPLES = (0.5, 1.0, 2.0)
CAREERS = ("full", "short")
GROUPS = {"M60": "male", "F55": "female", "F50": "female"}
COHORTS = tuple(range(1960, 2001, 5))
ENTRY_AGE = 22


def scenario_wages(scenario: Scenario, first_year: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Average wage (yuan / year) for ``first_year`` .. horizon from the scenario's economy paths,
    run back before the base year at the scenario's wage growth of its first year."""
    from simulator.model.economy import economy_paths  # the paths may move: read them here only

    econ = economy_paths(scenario)
    notes = []
    years = np.arange(min(first_year, int(econ.years[0])), int(econ.years[-1]) + 1)
    wage = np.empty(len(years))
    offset = int(econ.years[0]) - int(years[0])
    wage[offset:] = econ.wage
    if offset:
        growth = float(econ.wage_growth[0])
        wage[:offset] = econ.wage[0] / (1.0 + growth) ** np.arange(offset, 0, -1)
        notes.append(
            f"wages before {econ.years[0]} run back at {growth:.1%} a year, the scenario's first wage growth (assumption)"
        )
    return years, wage, notes


@dataclass(frozen=True)
class _Setting:
    """What every profile of one run shares: rules, policy and the wage path (yuan / year by year)."""

    rules: ProvinceRules
    account_rules: AccountRules
    policy: EmployeePensionPolicy
    years: np.ndarray
    wage: np.ndarray

    def wage_of(self, year: np.ndarray | int) -> np.ndarray:
        return self.wage[np.asarray(year) - self.years[0]]


def cohort_profiles(
    scenario: Scenario,
    rules: ProvinceRules,
    account_rules: AccountRules,
    cohorts: tuple[int, ...] = COHORTS,
    multiples: tuple[float, ...] = MULTIPLES,
) -> tuple[list[dict], list[str]]:
    """Rows (one per cohort x group x multiple x career x reform on/off) and the notes of the table."""
    retirement = scenario.policy.retirement
    without = retirement.model_copy(update={"reform": False})
    years, wage, notes = scenario_wages(scenario, min(cohorts) + ENTRY_AGE)
    setting = _Setting(rules, account_rules, scenario.policy.employee_pension, years, wage)
    out = []
    variants = (retirement, without) if retirement.reform else (retirement,)  # a pre-reform scenario: one variant
    for rpolicy in variants:
        reform = rpolicy.reform
        for cohort, (group, sex), multiple, career in product(cohorts, GROUPS.items(), multiples, CAREERS):
            born = int(month_index(cohort, 7))
            claim = statutory_retirement(rpolicy, group, np.asarray(born))
            retired, age = int(claim["month"]), int(claim["age_months"])
            if retired // 12 > years[-1]:
                continue
            row = _profile(setting, rpolicy, born, retired, group, sex, multiple, career)
            row.update(cohort=cohort, group=group, multiple=multiple, career=career, reform=reform,
                       retired=month_text(retired), claim_age=round(age / 12.0, 2))  # fmt: skip
            out.append(row)
    notes.append("benefit base = the scenario's previous-year average monthly wage; "
                 "replacement rate = first pension / own final monthly wage")  # fmt: skip
    notes.append("accounts are credited from 1998 (or the later account start): "
                 "earlier years of an account count as contribution years only")  # fmt: skip
    return out, notes


def _profile(setting: _Setting, rpolicy: Retirement, born: int, retired: int, group: str, sex: str, multiple: float,
             career: str) -> dict:  # fmt: skip
    rules, policy = setting.rules, setting.policy
    claim_year = retired // 12
    if career == "full":
        start = born + 12 * ENTRY_AGE
        service = (retired - start) / 12.0
    else:
        service = float(min_contribution_years(rpolicy, np.asarray(retired)))
        start = retired - round(12 * service)
    account_start = month_index(*map(int, rules.account_start.split("-")))
    deemed = max(0.0, (int(account_start) - start) / 12.0)
    index = min(max(multiple, policy.base_floor), policy.base_cap)
    credited_from = max(start, int(account_start), 1998 * 12)  # account shares are national from 1998 only
    rows = np.arange(credited_from // 12, claim_year + 1)
    months = np.array([min(retired, 12 * (y + 1)) - max(credited_from, 12 * y) for y in rows], dtype=float)
    keep = months > 0
    balance = 0.0
    if keep.any():
        rows, months = rows[keep], months[keep]
        base = index * setting.wage_of(rows) / 12.0
        nan = np.full(len(rows), math.nan)
        balance = account_from_history(rows, base, months, nan, annual(policy.crediting_rate, rows), retired,
                                       setting.account_rules.account_share, policy.crediting_rate, [])  # fmt: skip
    prev_wage = float(setting.wage_of(claim_year - 1)) / 12.0
    final_wage = multiple * float(setting.wage_of(claim_year)) / 12.0
    worker = Worker(sex=sex, group=group, born=month_text(born), retired=month_text(retired), years=service,
                    deemed_years=deemed, pre_account_years=deemed, avg_index=index, account=balance, base=prev_wage,
                    base_province=prev_wage, local_wage=prev_wage, wage=final_wage)  # fmt: skip
    try:
        award = calc_award(worker, rules, policy.account_divisors, rpolicy)
    except CalcError as exc:
        raise CalcError(f"profile {group} born {month_text(born)}: {exc}") from None
    return {"years": round(service, 2), "first_pension": award.total, "basic": award.basic, "account": award.account,
            "transitional": award.transitional, "extra": award.extra, "replacement_rate": award.replacement_rate,
            "final_wage": final_wage}  # fmt: skip
