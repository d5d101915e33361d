"""One worker's first pension by the statutory formula and a province's rules (``sim calc pension``).

    basic        = (first x a + second x I) / 2 x Y x 1%
    account      = A / divisor(age at retirement)
    transitional = wage_T x f(J) x Y_T x rate  (+ notional account / 120 where the province has one)
    extra        = the province's additions (flat, per whole year, per index-year)
    total        = basic + account + transitional + extra          (yuan a month)

``first`` and ``second`` are the benefit base (计发基数) of the worker's city or province, or
(Henan) the provincial base and the city's average wage; ``a`` = 1, or I / 0.6 below an average
index of 0.6 in Guangdong; ``I`` the average contribution index, ``J`` the transitional index
(the average one where the sheet gives none), ``f(J)`` = J, (1 + J) / 2 or 1, ``Y`` all
contribution years, ``Y_T`` the deemed years or all pre-account years. The three parts are
computed by the kernel functions of :mod:`simulator.model.kernels.benefit`, the same ones the
cohort model's award of first pensions is meant to call.

Inputs left out come from the rules: the retirement month from the 2024 reform, the divisor
from the age at retirement (linear between whole ages, rounded to 0.1 month as award sheets
show it; no official table for ages in months was found: an assumption), the base from the
table for the year of retirement (the latest one where the year's base is not yet in the
rules, as provisional awards do), deemed years from the work start and the account start.
Every such choice is listed in :attr:`Award.notes`.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass, field

import numpy as np

from simulator.model.kernels.benefit import account_pension, basic_pension, transitional_pension
from simulator.model.retirement import parse_month, statutory_retirement
from simulator.scenario.params import Dated
from simulator.scenario.province_rules import City, ProvinceRules
from simulator.scenario.schema import Retirement


class CalcError(ValueError):
    """Bad or missing input of the calculator; the message names the option (one line)."""


@dataclass(frozen=True)
class Worker:
    """One worker as on an award sheet (months as ``YYYY-MM``, amounts in yuan)."""

    sex: str | None = None
    group: str | None = None
    born: str | None = None
    work_start: str | None = None
    retired: str | None = None
    years: float | None = None
    deemed_years: float | None = None
    pre_account_years: float | None = None
    avg_index: float | None = None
    transitional_index: float | None = None
    account: float | None = None
    divisor_months: float | None = None
    base: float | None = None
    base_province: float | None = None
    local_wage: float | None = None
    notional_account: float | None = None
    wage: float | None = None
    city: str | None = None


@dataclass
class Award:
    """The first pension, yuan a month, with the inputs used and the notes on how they were found."""

    basic: float
    account: float
    transitional: float
    extra: float
    total: float
    replacement_rate: float | None = None
    inputs: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        record = {
            k: round(v, 2)
            for k, v in asdict(self).items()
            if k in ("basic", "account", "transitional", "extra", "total")
        }
        if self.replacement_rate is not None:
            record["replacement_rate"] = round(self.replacement_rate, 4)
        record["inputs"] = self.inputs
        record["notes"] = list(self.notes)
        return record


GROUP_OF_SEX = {"male": ("M60",), "female": ("F55", "F50")}


def month_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def calc_award(worker: Worker, rules: ProvinceRules, divisors: dict[int, float], retirement: Retirement) -> Award:
    """The award of ``worker`` under ``rules``; ``divisors`` are the national months by whole age,
    ``retirement`` the retirement-age schedule. Raises :class:`CalcError` on bad input."""
    _check_numbers(worker)
    notes: list[str] = []
    city_key, city = _city(rules, worker.city, notes)
    basic_rule = city.basic if city is not None and city.basic is not None else rules.basic
    trans_rule = city.transitional if city is not None and city.transitional is not None else rules.transitional
    additions = city.additions if city is not None and city.additions is not None else rules.additions
    account_start = parse_month(city.account_start if city is not None and city.account_start else rules.account_start)

    born = _month(worker.born, "--born")
    retired = _retirement_month(worker, born, retirement, notes)
    divisor = _divisor(worker, born, retired, divisors, notes)
    years, index = worker.years, worker.avg_index
    if years is None:
        raise CalcError("--years: contribution years (deemed years included) are needed")
    if index is None:
        raise CalcError("--avg-index: the average contribution index (平均缴费指数) is needed")
    if worker.account is None:
        raise CalcError("--account: the account balance at retirement (or --history, a CSV of yearly bases) is needed")

    wages = _Wages(rules, city, city_key, worker, retired, notes)
    # basic pension
    a = 1.0
    low = basic_rule.low_index
    if low is not None and index < low.threshold:
        a = index / low.threshold
        notes.append(
            f"average index {index:g} is below {low.threshold:g}: the first term is multiplied by a = {a:.4f} ({rules.name} rule)"
        )
    first = wages.get(basic_rule.first)
    second = wages.get(basic_rule.second)
    basic = basic_pension(first * a, second * index, years, basic_rule.accrual)
    account = account_pension(worker.account, divisor)

    # transitional pension
    t_years, t_kind = _transitional_years(worker, trans_rule.years, account_start, notes)
    j = worker.transitional_index
    if trans_rule.index == "transitional" and j is None:
        j = index
        if t_years > 0 and trans_rule.shape != "one":
            notes.append(
                "no transitional index given: the average index is used in the transitional pension (assumption)"
            )
    elif trans_rule.index == "average":
        if j is not None:
            notes.append(
                f"--transitional-index {j:g} is not used: {rules.name}'s transitional pension uses the average index"
            )
        j = index
    f = {"index": j, "half_one_plus_index": (1.0 + j) / 2.0, "one": 1.0}[trans_rule.shape]
    rate = _at(trans_rule.rate, retired)
    transitional = transitional_pension(wages.get(trans_rule.wage) * f, t_years, rate) if rate > 0 else 0.0
    if trans_rule.notional_divisor is not None:
        if worker.notional_account is not None:
            transitional += worker.notional_account / trans_rule.notional_divisor
        elif t_years > 0:
            notes.append(
                f"the notional-account part of the transitional pension (notional account / {trans_rule.notional_divisor:g}) "
                "is left out: give --notional-account from the award sheet"
            )
    elif worker.notional_account is not None:
        notes.append(f"--notional-account is not used: {rules.name}'s rules have no notional account")
    if trans_rule.not_modelled and t_years > 0:
        notes.append(f"left out: {trans_rule.not_modelled}")

    # additions
    extra = 0.0
    items = {}
    for add in additions:
        if (add.start and retired < parse_month(add.start)) or (add.end and retired >= parse_month(add.end)):
            continue
        amount = add.flat + add.per_year * math.floor(years + 1e-9) + add.per_index_year * index * years
        items[add.name] = round(amount, 2)
        if add.part == "transitional":
            transitional += amount
        else:
            extra += amount
    wages.report_unused({basic_rule.first, basic_rule.second, trans_rule.wage if rate > 0 else "base"})

    total = basic + account + transitional + extra
    replacement = None
    if worker.wage is not None:
        replacement = total / worker.wage
    inputs = {
        "province": rules.id,
        "city": city_key,
        "retired": month_text(retired),
        "divisor_months": divisor,
        "years": years,
        "avg_index": index,
        "transitional_index": j,
        "transitional_years": t_years,
        "transitional_years_kind": t_kind,
        "transitional_rate": rate,
        "low_index_a": a,
        "additions": items,
        **wages.used,
    }
    return Award(basic, account, transitional, extra, total, replacement, inputs, notes)


def _check_numbers(worker: Worker) -> None:
    positive = {
        "years": "--years",
        "avg_index": "--avg-index",
        "divisor_months": "--divisor-months",
        "base": "--base",
        "base_province": "--base-province",
        "local_wage": "--local-wage",
        "wage": "--wage",
    }
    non_negative = {
        "deemed_years": "--deemed-years",
        "pre_account_years": "--pre-account-years",
        "transitional_index": "--transitional-index",
        "account": "--account",
        "notional_account": "--notional-account",
    }
    for name, option in (*positive.items(), *non_negative.items()):
        value = getattr(worker, name)
        if value is None:
            continue
        if not math.isfinite(value):
            raise CalcError(f"{option}: {value} is not a finite number")
        if value < 0 or (name in positive and value == 0):
            raise CalcError(
                f"{option}: {value:g} is out of range (expected a {'positive' if name in positive else 'non-negative'} number)"
            )
    if worker.years is not None and worker.years > 60:
        raise CalcError(
            f"--years: {worker.years:g} contribution years is more than a working life (expected at most 60)"
        )
    for name, option in (("deemed_years", "--deemed-years"), ("pre_account_years", "--pre-account-years")):
        value = getattr(worker, name)
        if value is not None and worker.years is not None and value > worker.years + 1e-9 and name == "deemed_years":
            raise CalcError(f"{option}: {value:g} deemed years exceed the {worker.years:g} contribution years")


def _month(text: str | None, option: str) -> int | None:
    if text is None:
        return None
    try:
        month = parse_month(text)
    except ValueError as exc:
        raise CalcError(f"{option}: {exc}") from None
    if not 1900 <= month // 12 <= 2100:
        raise CalcError(f"{option}: bad month {text!r} (expected YYYY-MM, a year from 1900 to 2100)")
    return month


def _city(rules: ProvinceRules, name: str | None, notes: list[str]) -> tuple[str | None, City | None]:
    if not name:
        return None, None
    try:
        return rules.city(name)
    except KeyError:
        notes.append(f"{name} has no rules of its own: {rules.name}'s apply")
        return None, None


def _retirement_month(worker: Worker, born: int | None, policy: Retirement, notes: list[str]) -> int:
    retired = _month(worker.retired, "--retired")
    group = worker.group
    if group is not None and worker.sex is not None and group not in GROUP_OF_SEX.get(worker.sex, ()):
        raise CalcError(
            f"--group: {group} is not a group of {worker.sex} workers (expected {' or '.join(GROUP_OF_SEX[worker.sex])})"
        )
    if retired is not None:
        if born is not None and retired <= born:
            raise CalcError(f"--retired: {worker.retired} is not after the birth month {worker.born}")
        return retired
    if born is None:
        raise CalcError("--retired: give the retirement month, or --born (and --group) to take it from the 2024 reform")
    if group is None:
        if worker.sex != "male":
            raise CalcError(
                "--group: a woman's retirement group (F55 or F50) is needed to find her retirement month (or give --retired)"
            )
        group = "M60"
    reached = statutory_retirement(policy, group, np.asarray(born))
    retired = int(reached["month"])
    age = int(reached["age_months"])
    notes.append(
        f"retirement month {month_text(retired)} at {age // 12}y{age % 12}m: statutory age of group {group} "
        f"({'2024 reform' if policy.reform else 'pre-reform ages'})"
    )
    return retired


def divisor_at(age_months: int, divisors: dict[int, float]) -> float:
    """Months of account pension at an age in months: the national table at whole ages, linear in
    between, rounded half up to 0.1 month (as award sheets print it; an assumption, no official table)."""
    ages = sorted(divisors)
    age = age_months / 12.0
    if not ages[0] <= age <= ages[-1]:
        raise CalcError(
            f"--divisor-months: no divisor for a retirement age of {age_months // 12}y{age_months % 12}m "
            f"(the national table covers {ages[0]}-{ages[-1]})"
        )
    value = float(np.interp(age, ages, [divisors[a] for a in ages]))
    return math.floor(value * 10.0 + 0.5 + 1e-9) / 10.0  # half up, as 137.25 -> 137.3 on the sheets


def _divisor(worker: Worker, born: int | None, retired: int, divisors: dict[int, float], notes: list[str]) -> float:
    if worker.divisor_months is not None:
        return worker.divisor_months
    if born is None:
        raise CalcError("--divisor-months: give the divisor, or --born to take it from the age at retirement")
    age = retired - born
    value = divisor_at(age, divisors)
    if age % 12:
        notes.append(
            f"divisor {value:g} months at {age // 12}y{age % 12}m: linear between whole ages of the national table, "
            "rounded to 0.1 (assumption: no official table for ages in months)"
        )
    return value


def _at(table: Dated, month: int) -> float:
    return table.at(dt.date(month // 12, month % 12 + 1, 1))


def _transitional_years(worker: Worker, kind: str, account_start: int, notes: list[str]) -> tuple[float, str]:
    start = _month(worker.work_start, "--work-start")
    before = None if start is None else max(0, account_start - start) / 12.0
    if kind == "pre_account" and worker.pre_account_years is not None:
        return worker.pre_account_years, "pre_account"
    if kind == "deemed" and worker.deemed_years is not None:
        return worker.deemed_years, "deemed"
    if before is not None:
        notes.append(
            f"{kind.replace('_', '-')} years {before:.4g}: from the work start to the account start {month_text(account_start)}"
        )
        return before, kind
    if kind == "pre_account" and worker.deemed_years is not None:
        notes.append(
            "no pre-account years given: the deemed years are used (assumption: no contributions before the account)"
        )
        return worker.deemed_years, "deemed"
    option = "--pre-account-years" if kind == "pre_account" else "--deemed-years"
    raise CalcError(
        f"{option}: needed for the transitional pension (or --work-start to count them to {month_text(account_start)})"
    )


class _Wages:
    """The base, the provincial base and the city's average wage, each read when first needed."""

    def __init__(
        self,
        rules: ProvinceRules,
        city: City | None,
        city_key: str | None,
        worker: Worker,
        retired: int,
        notes: list[str],
    ):
        self.rules, self.city, self.city_key, self.worker, self.retired, self.notes = (
            rules,
            city,
            city_key,
            worker,
            retired,
            notes,
        )
        self.used: dict[str, float] = {}

    def get(self, name: str) -> float:
        if name not in self.used:
            self.used[name] = self._read(name)
        return self.used[name]

    def _read(self, name: str) -> float:
        w, rules = self.worker, self.rules
        if name == "base":
            if w.base is not None:
                return w.base
            what = (
                f"{self.city.name} base"
                if self.city is not None and rules.city_base(self.city) is not rules.base
                else f"{rules.name} base"
            )
            return self._table(rules.city_base(self.city), what, "--base")
        if name == "province_base":
            if w.base_province is not None:
                return w.base_province
            if w.base is not None and rules.city_base(self.city) is rules.base:
                return w.base  # no base of the city's own: the assessment's base is the province's
            return self._table(rules.base, f"{rules.name} base", "--base-province")
        if w.local_wage is not None:
            return w.local_wage
        if self.city is None or self.city.local_wage is None:
            known = ", ".join(c.name for c in rules.cities.values() if c.local_wage is not None)
            raise CalcError(
                f"--local-wage: {rules.name}'s rules use the city's previous-year average wage; give --city (one of: {known}) or --local-wage"
            )
        return self._table(self.city.local_wage, f"{self.city.name} average wage", "--local-wage")

    def _table(self, table: Dated, what: str, option: str) -> float:
        first = table.values[0][0]
        last = table.values[-1][0]
        month = self.retired
        if month < first.year * 12 + first.month - 1:
            raise CalcError(
                f"{option}: the rules hold no {what} before {first:%Y-%m} (retirement {month_text(month)}); give {option}"
            )
        if month // 12 > last.year:
            self.notes.append(
                f"the {what} of {month // 12} is not in the rules: the latest ({last.year}) is used, as provisional awards do"
            )
        return _at(table, month)

    def report_unused(self, used: set[str]) -> None:
        for name, option in (("base_province", "--base-province"), ("local_wage", "--local-wage")):
            value = getattr(self.worker, name)
            key = name.replace("base_province", "province_base")
            if value is not None and key not in used and not (key == "province_base" and value == self.worker.base):
                self.notes.append(f"{option} {value:g} is not used by {self.rules.name}'s rules")


def account_from_history(
    year: np.ndarray,
    base: np.ndarray,
    months: np.ndarray,
    share: np.ndarray,
    crediting: np.ndarray,
    retired: int,
    account_share: Dated,
    crediting_rates: Dated,
    notes: list[str],
) -> float:
    """Account balance at retirement from yearly monthly bases (NaN share / crediting: the national rule):

        K_y = K_{y-1} x (1 + r_y x k_y / 12) + c_y + c_y x r_y x (m_y + 1) / 24,   c_y = share_y x base_y x m_y

    k_y = 12, or the months before the retirement month in the year of retirement; m_y the months
    contributed (at most k_y). The (m + 1) / 24 term is interest on monthly deposits: the 1.083 / 2 of
    劳办发〔1997〕116号 for a full year (see data/policy/account.yaml)."""
    retire_year, k_last = retired // 12, retired % 12
    if year[-1] > retire_year:
        raise CalcError(f"--history: a row for {year[-1]} is after the retirement year {retire_year}")
    first_rate_year = crediting_rates.values[0][0].year
    balance = 0.0
    assumed_rates = []
    for i, y in enumerate(year):
        k = 12 if y < retire_year else k_last
        m = months[i]
        if m > k:
            raise CalcError(
                f"--history: {m:g} months in {y} but the retirement month leaves {k} (expected at most {k})"
            )
        s = share[i]
        if np.isnan(s):
            if y < account_share.values[0][0].year:
                raise CalcError(
                    f"--history: no national account share before {account_share.values[0][0].year}: give a share column for {y}"
                )
            s = _at(account_share, int(y) * 12)
        r = crediting[i]
        if np.isnan(r):
            r = _at(crediting_rates, int(y) * 12)
            if y <= first_rate_year:
                assumed_rates.append(int(y))
        c = s * base[i] * m
        balance = balance * (1.0 + r * k / 12.0) + c + c * r * (m + 1.0) / 24.0
    if assumed_rates:
        notes.append(
            f"crediting rate for {assumed_rates[0]}-{assumed_rates[-1]}: {_at(crediting_rates, first_rate_year * 12):.2%} "
            "(the national file's assumption before the unified rates of 2016; give a crediting column for the province's rates)"
        )
    notes.append(f"account {balance:,.2f} yuan from the contribution history ({year[0]}-{year[-1]})")
    return balance
