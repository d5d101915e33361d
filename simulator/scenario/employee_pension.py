"""Scenario blocks of the urban employee pension: national policy and regional behaviour."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from simulator.scenario.params import WHOLE, Amount, Growth, Rate, Strict, Uprating


class Indexation(Strict):
    """Increase of pensions in payment: the dated increases, then ``then`` after the last one."""

    increases: Growth = Field(description="annual increase of pensions in payment (January)")
    then: Uprating = Field(description="rule for the increase after the last dated one")


class EmployeePensionPolicy(Strict):
    """Statutory parameters of the urban employee pension."""

    employer_rate: Rate = Field(description="employer contribution rate, pooled fund")
    employee_rate: Rate = Field(description="employee contribution rate, individual account")
    base_floor: float = Field(0.6, ge=0, le=1, description="contribution base floor, share of the average wage")
    base_cap: float = Field(3.0, ge=1, le=10, description="contribution base cap, share of the average wage")
    basic_accrual: float = Field(0.01, gt=0, le=0.05, description="basic pension per contribution year, share of the base")
    account_divisors: Annotated[dict[int, float], WHOLE] = Field(description="months of account pension by retirement age in years")
    divisor_source: str
    crediting_rate: Growth = Field(description="individual-account crediting rate (per year)")
    indexation: Indexation

    @field_validator("account_divisors")
    @classmethod
    def _divisors(cls, table: dict[int, float]) -> dict[int, float]:
        ages = sorted(table)
        if not ages or ages != list(range(ages[0], ages[-1] + 1)) or any(not 1 <= table[a] <= 1000 for a in ages):
            raise ValueError("needs one divisor of 1 to 1000 months for every whole age from the first to the last")
        return dict(sorted(table.items()))


class FlexibleShares(Strict):
    """Shares of each cohort using the flexible window of the 2024 reform."""

    early_share: float = Field(0.0, ge=0, le=1)
    early_months: int = Field(12, ge=0, le=36)
    late_share: float = Field(0.0, ge=0, le=1)
    late_months: int = Field(12, ge=0, le=36)

    @field_validator("late_share")
    @classmethod
    def _shares(cls, late: float, info: ValidationInfo) -> float:
        early = info.data.get("early_share", 0.0)
        if early + late > 1.0:
            raise ValueError(f"early_share {early} + late_share {late} exceeds 1")
        return late


class SpecialEarly(Strict):
    """Members who retire before the old statutory age under the special rules: arduous or hazardous
    jobs and illness (国发〔1978〕104号: men at 55 and women at 45 instead of 60 and 50), rules the 2024
    reform keeps."""

    share: float | None = Field(None, ge=0, le=1, description="share of each cohort retiring early under the special rules")
    by_birth: dict[int, float] | None = Field(
        None, description="{birth year: share} knots: the share by cohort instead (straight lines, flat outside)"
    )
    months: int = Field(ge=0, le=120, description="how many months before the old statutory age")
    source: str | None = None
    note: str | None = None

    @field_validator("by_birth")
    @classmethod
    def _knots(cls, knots: dict[int, float] | None) -> dict[int, float] | None:
        if knots is None:
            return None
        if not knots or any(not 1900 <= y <= 2100 for y in knots) or any(not 0 <= v <= 1 for v in knots.values()):
            raise ValueError("needs {birth year 1900-2100: share 0-1}")
        return dict(sorted(knots.items()))

    @model_validator(mode="after")
    def _one_share(self) -> SpecialEarly:
        if (self.share is None) == (self.by_birth is None):
            raise ValueError("give share or by_birth (expected exactly one of them)")
        return self

    def cohort_shares(self) -> float | dict[int, float]:
        """What the retirement rules take: the knots by birth year, else the one share."""
        return self.by_birth if self.by_birth is not None else self.share

    def largest(self) -> float:
        return max(self.by_birth.values()) if self.by_birth is not None else self.share


class ShortService(Strict):
    """Members who reach the statutory age short of the minimum contribution years."""

    buy_rate: float = Field(ge=0, le=1, description="share per year who pay a lump sum for the missing years")
    continue_until_age: dict[Literal["M60", "F55", "F50"], int] = Field(
        description="age up to which the others may keep contributing; from then they move to the residents scheme"
    )

    @field_validator("continue_until_age")
    @classmethod
    def _all_groups(cls, ages: dict[str, int]) -> dict[str, int]:
        missing = [g for g in ("M60", "F55", "F50") if g not in ages]
        if missing:
            raise ValueError(f"missing group(s) {', '.join(missing)} (expected M60, F55 and F50)")
        if any(not 40 <= age <= 100 for age in ages.values()):
            raise ValueError("ages must be 40..100 (expected e.g. M60: 65)")
        return ages


class Subsidy(Strict):
    """Fiscal subsidy to the enterprise fund: a path in yuan (``path``), a share of the enterprise
    benefits (``share``), the current deficit (``cover_deficit``) or just enough to keep the balance
    >= 0 (``keep_nonnegative``). The public-institution fund's deficit is covered by budgets in every
    mode (see :class:`PublicInstitutions`)."""

    mode: Literal["path", "share", "cover_deficit", "keep_nonnegative"] = "path"
    path: Amount | None = Field(None, description="fiscal subsidy (yuan / year), used by mode: path")
    share: Rate | None = Field(None, description="fiscal subsidy / enterprise benefits, used by mode: share")

    @model_validator(mode="after")
    def _one_for_the_mode(self) -> Subsidy:
        needed = {"path": "path", "share": "share"}.get(self.mode)
        for name in ("path", "share"):
            if name == needed and getattr(self, name) is None:
                raise ValueError(f"mode {self.mode} needs `{name}` (expected a dated value)")
            if name != needed and getattr(self, name) is not None:
                raise ValueError(f"`{name}` has no effect with mode {self.mode} (expected it only with mode {name})")
        return self


class Pooling(Strict):
    """Pooling transfers: central adjustment fund 2018-07..2021, national pooling from 2022.

    payments = out_rate x average wage x insured employees of the enterprise scheme (contributors +
    dormant); receipts = in_per_retiree x receipt_ratio x enterprise retirees (国发〔2018〕18号: a province pays a share of
    the wage bill of its insured employees, and receives one national amount per approved retiree)."""

    out_rate: Rate = Field(description="payments out as a share of wage x enterprise insured employees")
    in_per_retiree: Amount = Field(description="receipts per enterprise retiree (yuan / year)")
    quota_uprating: Literal["wage", "support_ratio"] = Field(
        "wage",
        description="after the last dated in_per_retiree: the quota follows its uprating (wage), or also the "
        "scheme's enterprise insured employees per enterprise retiree (support_ratio: national pooling pays out "
        "what it raises, and the region is taken to age like the nation)",
    )
    receipt_ratio: float = Field(
        1.0, gt=0, le=3,
        description="the province's receipts per enterprise retiree / in_per_retiree (1: the national quota on every "
        "retiree); differs where the approved retiree count or the quota differs from the national average",
    )


class PublicInitial(Strict):
    """Public-institution retirees at the end of the base year."""

    retirees: float = Field(ge=0, description="retirees of government bodies and public institutions (persons)")
    average_pension: float = Field(ge=0, description="their average pension (yuan / month)")
    source: str | None = None
    note: str | None = None


class PublicInstitutions(Strict):
    """Staff and retirees of government bodies and public institutions (机关事业单位), who joined the
    scheme under 国发〔2015〕2号 (in force 2014-10-01) as their province enrolled them.

    The sector is projected on its own from the base year (staff, careers, retirements, pensions);
    the scheme counts a share ``enrolment`` of its members and cash flows (0 before the province
    enrolled them, 1 once all had joined). Contributions and individual accounts start at
    ``contributes_from``; service before it is deemed. Budgets cover the sector's deficit."""

    enrolment: Rate = Field(description="share of the sector's members and cash flows in the scheme")
    staff: Amount = Field(description="working members of the sector (persons)")
    contributes_from: dt.date = Field(description="first day of contributions and accounts (2014-10-01)")
    base_ratio: Amount = Field(description="contribution base / average wage of the sector's staff")
    transitional_rate: float = Field(ge=0, le=0.03, description="transitional pension per deemed year, share of the indexed wage")
    service_density: float = Field(gt=0, le=1, description="years of service per year of age since entry_age")
    initial: PublicInitial


class InitialState(Strict):
    """Stocks at the end of the base year."""

    contributors: float = Field(ge=0, description="active contributors (persons)")
    dormant: float = Field(ge=0, description="insured members not contributing (persons)")
    retirees: float = Field(ge=0, description="retirees drawing a pension (persons)")
    average_pension: float = Field(ge=0, description="average pension in payment (yuan / month)")
    balance: float = Field(description="fund balance (yuan)")
    service_density: float = Field(gt=0, le=1, description="contribution years per year of age since entry_age")
    entry_age: int = Field(ge=14, le=30)
    source: str | None = None
    note: str | None = None


class EmployeePension(Strict):
    """Regional behaviour and state of the urban employee pension."""

    @model_validator(mode="after")
    def _shares(self) -> EmployeePension:
        special = self.special_early.largest() if self.special_early is not None else 0.0
        total = self.flexible.early_share + self.flexible.late_share + special
        if total > 1.0:
            raise ValueError(f"flexible early {self.flexible.early_share} + late {self.flexible.late_share} + special early {special} shares exceed 1")
        return self

    @field_validator("coverage_by_age")
    @classmethod
    def _knots(cls, knots: dict[int, float] | None) -> dict[int, float] | None:
        if knots is None:
            return None
        if len(knots) < 2 or any(not 0 <= a <= 100 or not 0 < f <= 10 for a, f in knots.items()):
            raise ValueError("needs at least two {age: factor} knots, ages in 0..100 and factors in (0, 10]")
        return dict(sorted(knots.items()))

    coverage: Rate = Field(description="active contributors / urban employment")
    coverage_by_age: dict[int, float] | None = Field(
        None, description="relative coverage by age, {age: factor} knots, straight lines between them, flat outside"
    )
    f55_share: Rate = Field(description="share of women in the F55 group (old retirement age 55)")
    dormancy_rate: Rate = Field(description="share of actives who stop contributing each year")
    reactivation_rate: Rate = Field(description="share of dormant members who resume each year")
    compliance: Rate = Field(description="contributions collected / due")
    base_ratio: Amount = Field(description="average contribution base / average wage")
    transitional_rate: float = Field(ge=0, le=0.03, description="transitional pension per deemed year, share of the indexed wage")
    account_start: int = Field(ge=1990, le=2010, description="year individual accounts began; earlier service is deemed")
    death_grant: Amount = Field(description="funeral and survivor grants per deceased retiree (yuan)")
    contribution_relief: Rate | None = Field(
        None, description="share of employer contributions waived (e.g. the 2020 relief); none when absent"
    )
    flexible: FlexibleShares = FlexibleShares()
    special_early: SpecialEarly | None = None
    short_service: ShortService
    subsidy: Subsidy
    pooling: Pooling
    initial: InitialState
    public_institutions: PublicInstitutions | None = None
