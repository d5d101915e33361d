"""Provincial rules of the urban employee first pension, as data (``data/policy/provinces/*.yaml``).

The national formula (国发〔2005〕38号) leaves to each province the transitional pension for
service before the individual account began, the benefit base (计发基数) and local additions.
A rules file says, each with its document:

- ``account_start``: the month individual accounts began (earlier service is pre-account);
- ``base``: the benefit base by year of retirement (yuan a month, dated values);
- ``basic``: which base and which wage the basic pension averages (Henan indexes on the
  city's average wage), and Guangdong's scaling of low indices;
- ``transitional``: coefficient (dated by retirement), which wage (base x index, base x
  (1 + index) / 2, ...), which index (the average one or a separate transitional one) and
  which years (deemed years, or all years before the account);
- ``additions``: flat amounts and amounts per whole contribution year (加发, 补贴, 调节金), in
  the transitional or the extra part, as the award sheets show them;
- ``cities``: cities with their own base (e.g. 沈阳, 深圳, Hubei's cities) or their own average
  wage (Henan), and city rules that replace the province's (深圳).

Same language as scenarios: strict keys, dated values, ``source`` on every figure; the file is
read with line numbers, so a bad key is one line naming file, line and key path.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator

from simulator.errors import ScenarioError
from simulator.scenario.employee_pension import EmployeePensionPolicy
from simulator.scenario.extends import DATA_DIR, locate, resolve_extends
from simulator.scenario.load import _message
from simulator.scenario.params import Amount, Rate, Strict, parse_date

BaseName = Literal["base", "province_base", "local_wage"]
IndexName = Literal["average", "transitional"]


def _month(value: object) -> str:
    date = parse_date(value)
    return f"{date.year:04d}-{date.month:02d}"


class LowIndex(Strict):
    """Below ``threshold``, the basic pension is the one at the threshold times index / threshold."""

    threshold: float = Field(gt=0, le=1)
    source: str


class BasicRule(Strict):
    """basic = (first + second x index) / 2 x years x accrual; ``first`` and ``second`` name the
    wages: ``base`` (the assessment's base), ``province_base``, ``local_wage`` (the city's)."""

    first: BaseName = "base"
    second: BaseName = "base"
    accrual: float = Field(0.01, gt=0, le=0.05)
    low_index: LowIndex | None = None
    source: str


class TransitionalRule(Strict):
    """transitional = wage x f(index) x years x rate (+ notional account / notional_divisor),
    f = index, (1 + index) / 2 or 1."""

    rate: Rate = Field(description="coefficient per year, dated by the retirement date")
    wage: BaseName = "base"
    index: IndexName = Field("average", description="average index, or the separate transitional index")
    shape: Literal["index", "half_one_plus_index", "one"] = "index"
    years: Literal["deemed", "pre_account"] = "deemed"
    notional_divisor: float | None = Field(
        None, gt=0, description="months dividing a notional (模拟/虚账) account, when the province adds one"
    )
    not_modelled: str | None = Field(None, description="a part of the province's formula the calculator leaves out")
    source: str


class Addition(Strict):
    """flat + per_year x whole contribution years + per_index_year x average index x years, yuan a
    month, for retirements in [start, end)."""

    name: str
    part: Literal["transitional", "extra"]
    flat: float = Field(0.0, ge=0)
    per_year: float = Field(0.0, ge=0, description="per whole contribution year")
    per_index_year: float = Field(0.0, ge=0, description="per contribution year x average index")
    start: str | None = Field(None, description="first retirement month, YYYY-MM")
    end: str | None = Field(None, description="first retirement month no longer covered, YYYY-MM")
    source: str

    @field_validator("start", "end", mode="before")
    @classmethod
    def _months(cls, value: object) -> str | None:
        return None if value is None else _month(value)


class City(Strict):
    """A city with its own base or its own average wage; ``basic``, ``transitional``, ``additions``
    and ``account_start`` replace the province's for this city."""

    name: str = Field(description="Chinese name, e.g. 沈阳市")
    base: Amount | None = None
    local_wage: Amount | None = Field(None, description="previous-year average monthly wage of the city (Henan)")
    basic: BasicRule | None = None
    transitional: TransitionalRule | None = None
    additions: tuple[Addition, ...] | None = None
    account_start: str | None = None
    note: str | None = None

    @field_validator("account_start", mode="before")
    @classmethod
    def _start(cls, value: object) -> str | None:
        return None if value is None else _month(value)


class ProvinceRules(Strict):
    """Rules of one province (top level of a provinces/*.yaml file)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    account_start: str = Field(description="month individual accounts began, YYYY-MM")
    account_start_source: str
    base: Amount = Field(description="benefit base (计发基数) by year of retirement, yuan a month")
    basic: BasicRule
    transitional: TransitionalRule
    additions: tuple[Addition, ...] = ()
    cities: dict[str, City] = Field(default_factory=dict)
    note: str | None = None

    @field_validator("account_start", mode="before")
    @classmethod
    def _start(cls, value: object) -> str:
        return _month(value)

    def city(self, name: str) -> tuple[str, City]:
        """The city whose key is ``name``, or whose Chinese name without 市/州/林区 is in ``name``
        (so 沈阳, 沈阳市 and 辽宁省沈阳市 all name Shenyang); KeyError if none."""
        given = name.strip()
        for key, city in self.cities.items():
            if given.lower() == key or _short(city.name) in given:
                return key, city
        raise KeyError(name)

    def city_base(self, city: City | None) -> Amount:
        """The base table that applies in ``city`` (its own, or the province's)."""
        return city.base if city is not None and city.base is not None else self.base


def _short(name: str) -> str:
    for suffix in ("林区", "市", "州"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def on(month: str, table: Amount) -> float:
    """Value of a dated table in force in month ``YYYY-MM``."""
    return table.at(dt.date.fromisoformat(month + "-01"))


PROVINCES_DIR = DATA_DIR / "policy" / "provinces"


def shipped_provinces() -> list[str]:
    """Ids of the provinces whose rules ship with the package."""
    return sorted(p.stem for p in PROVINCES_DIR.glob("*.yaml"))


def rules_path(province: str) -> Path:
    """The shipped rules file of ``province`` (an id such as ``jiangxi``); UnknownProvince if none."""
    path = PROVINCES_DIR / f"{province.strip().lower()}.yaml"
    if not path.is_file():
        raise UnknownProvince(province)
    return path


class UnknownProvince(KeyError):
    """No rules data for a province: the calculator refuses it rather than guess."""

    def __init__(self, province: str):
        self.province = province
        super().__init__(province)

    def __str__(self) -> str:
        return (
            f"--province {self.province}: no rules data for this province (rules exist for: "
            f"{', '.join(shipped_provinces())}; a rules file of your own can be given with --rules)"
        )


def load_province_rules(province: str | None = None, path: str | os.PathLike[str] | None = None) -> ProvinceRules:
    """Read and validate a rules file: the shipped one of ``province``, or ``path`` (which may
    ``extends: builtin:policy/provinces/NAME`` and change some keys). Raises ScenarioError
    (file, line, key path) on a bad file and UnknownProvince when nothing ships for ``province``."""
    file = Path(path) if path is not None else rules_path(province or "")
    data, origins, _ = resolve_extends(file)
    try:
        return ProvinceRules.model_validate(data)
    except ValidationError as exc:
        err = min(exc.errors(include_url=False), key=lambda e: e["type"] == "missing")
        loc = tuple(str(p) for p in err["loc"] if p != "[key]")
        where, line, key_path = locate(origins, loc)
        if err["type"] == "extra_forbidden":
            message = "unknown key (see docs/calculator.md for the keys of a rules file)"
        else:
            message = _message(err, loc)
        raise ScenarioError(where, line, key_path, message) from None


def load_employee_policy(path: str | os.PathLike[str] | None = None) -> EmployeePensionPolicy:
    """The ``policy.employee_pension`` block (divisors, crediting rates) of a scenario or policy
    file, by default the national one."""
    file = Path(path) if path else DATA_DIR / "policy" / "national.yaml"
    data, origins, _ = resolve_extends(file)
    block = data.get("policy", {}).get("employee_pension") if isinstance(data.get("policy"), dict) else None
    if block is None:
        where, line, _ = locate(origins, ("policy", "employee_pension"))
        raise ScenarioError(where, line, "policy.employee_pension", "missing (expected an employee_pension block)")
    try:
        return EmployeePensionPolicy.model_validate(block)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = ("policy", "employee_pension", *(str(p) for p in err["loc"]))
        where, line, key_path = locate(origins, loc)
        raise ScenarioError(where, line, key_path, _message(err, loc)) from None


class AccountRules(Strict):
    """``data/policy/account.yaml``: the share of the base credited to the account, by year."""

    account_share: Rate
    new_contribution_interest: str


def load_account_rules() -> AccountRules:
    file = DATA_DIR / "policy" / "account.yaml"
    data, origins, _ = resolve_extends(file)
    try:
        return AccountRules.model_validate(data)
    except ValidationError as exc:  # a shipped file: only a broken installation gets here
        err = exc.errors(include_url=False)[0]
        loc = tuple(str(p) for p in err["loc"])
        where, line, key_path = locate(origins, loc)
        raise ScenarioError(where, line, key_path, _message(err, loc)) from None
