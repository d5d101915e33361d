"""The scenario schema: every key a scenario may set, its type, unit and range.

The reference for users is ``docs/scenario.md``; keep the two in step.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from simulator.scenario.calibration import Calibration
from simulator.scenario.demography import Demography
from simulator.scenario.economy import Economy, Labour
from simulator.scenario.employee_pension import EmployeePension, EmployeePensionPolicy
from simulator.scenario.params import Amount, Strict, parse_date
from simulator.scenario.resident_pension import ResidentPension, ResidentPensionPolicy
from simulator.scenario.uncertainty import Uncertainty
from simulator.scenario.unemployment import Unemployment, UnemploymentPolicy
from simulator.scenario.work_injury import WorkInjury, WorkInjuryPolicy

GROUPS = ("M60", "F55", "F50")
Group = Literal["M60", "F55", "F50"]


class Region(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="short lowercase id, e.g. jiangxi")
    name: str = Field(description="display name, e.g. 江西省")
    level: Literal["country", "province", "city"]
    province: str | None = Field(None, description="province id of a city")


class RetirementGroup(Strict):
    """Statutory retirement age of one group: old age + min(floor(m / step) + 1, cap) months,
    m = months from ``first_delayed_birth`` to the birth month (m >= 0)."""

    old_age: int = Field(ge=40, le=70, description="years, before the reform")
    new_age: int = Field(ge=40, le=75, description="years, when fully phased in")
    first_delayed_birth: str = Field(description="YYYY-MM, first birth month whose age is delayed")
    step_months: int = Field(ge=1, le=24, description="months of birth date per month of delay")
    cap_months: int = Field(ge=0, le=120, description="largest delay in months")

    @field_validator("first_delayed_birth", mode="before")
    @classmethod
    def _month(cls, value: object) -> str:
        date = parse_date(value)
        return f"{date.year:04d}-{date.month:02d}"

    @field_validator("cap_months")
    @classmethod
    def _cap(cls, cap: int, info: ValidationInfo) -> int:
        old, new = info.data.get("old_age"), info.data.get("new_age")
        if old is not None and new is not None and cap != 12 * (new - old):
            raise ValueError(f"cap_months {cap} is not 12 x (new_age - old_age) = {12 * (new - old)}")
        return cap


class FlexibleRetirement(Strict):
    max_early_months: int = Field(36, ge=0, le=120, description="earliest claim before the statutory age, never below old_age")
    max_late_months: int = Field(36, ge=0, le=120, description="latest claim after the statutory age")


class Retirement(Strict):
    """The 2024 retirement-age reform (or any schedule of the same shape) as data."""

    reform: bool = Field(True, description="false: everybody retires at old_age with the pre-reform minimum years")
    effective: dt.date = Field(description="date the reform takes effect")
    source: str
    groups: dict[Group, RetirementGroup]
    min_contribution_years: Amount = Field(description="years needed for a monthly pension, by year of retirement")
    flexible: FlexibleRetirement = FlexibleRetirement()

    @field_validator("effective", mode="before")
    @classmethod
    def _date(cls, value: object) -> dt.date:
        return parse_date(value)

    @field_validator("groups")
    @classmethod
    def _all_groups(cls, groups: dict[str, RetirementGroup]) -> dict[str, RetirementGroup]:
        missing = [g for g in GROUPS if g not in groups]
        if missing:
            raise ValueError(f"missing group(s) {', '.join(missing)} (expected M60, F55 and F50)")
        return groups

    def min_years_before_reform(self) -> float:
        return self.min_contribution_years.at(self.effective - dt.timedelta(days=1))


class Policy(Strict):
    retirement: Retirement
    employee_pension: EmployeePensionPolicy
    resident_pension: ResidentPensionPolicy
    unemployment: UnemploymentPolicy
    work_injury: WorkInjuryPolicy


class Scenario(Strict):
    """A complete, validated scenario."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    region: Region
    base_year: int = Field(ge=1990, le=2100, description="first projected year starts from this year's end stocks")
    horizon: int = Field(ge=1991, le=2200, description="last projected year")
    policy: Policy
    economy: Economy
    labour: Labour
    employee_pension: EmployeePension
    demography: Demography
    calibration: Calibration | None = Field(None, description="free parameters and targets of sim calibrate")
    resident_pension: ResidentPension | None = Field(None, description="residents pension; the scheme is projected when given")
    unemployment: Unemployment | None = Field(None, description="unemployment insurance; projected when given")
    work_injury: WorkInjury | None = Field(None, description="work-injury insurance; projected when given")
    uncertainty: Uncertainty | None = Field(
        None, description="stochastic model of runs with draws and sensitivity cases; defaults shipped in the package"
    )

    @field_validator("horizon")
    @classmethod
    def _after_base(cls, horizon: int, info: ValidationInfo) -> int:
        base = info.data.get("base_year")
        if base is not None and horizon <= base:
            raise ValueError(f"horizon {horizon} is not after base_year {base}")
        return horizon

    @property
    def years(self) -> range:
        return range(self.base_year, self.horizon + 1)
