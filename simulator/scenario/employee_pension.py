"""Scenario blocks of the urban employee pension: national policy and regional behaviour."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator

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
    mode: Literal["path", "cover_deficit", "keep_nonnegative"] = "path"
    path: Amount = Field(description="fiscal subsidy (yuan / year), used by mode: path")


class Pooling(Strict):
    """Pooling transfers: central adjustment fund 2018-07..2021, national pooling from 2022."""

    out_rate: Rate = Field(description="payments out as a share of the contributors' wage bill")
    in_per_retiree: Amount = Field(description="receipts per retiree (yuan / year)")


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

    coverage: Rate = Field(description="active contributors / urban employment")
    f55_share: Rate = Field(description="share of women in the F55 group (old retirement age 55)")
    dormancy_rate: Rate = Field(description="share of actives who stop contributing each year")
    reactivation_rate: Rate = Field(description="share of dormant members who resume each year")
    compliance: Rate = Field(description="contributions collected / due")
    base_ratio: Amount = Field(description="average contribution base / average wage")
    transitional_rate: float = Field(ge=0, le=0.03, description="transitional pension per deemed year, share of the indexed wage")
    account_start: int = Field(ge=1990, le=2010, description="year individual accounts began; earlier service is deemed")
    death_grant: Amount = Field(description="funeral and survivor grants per deceased retiree (yuan)")
    flexible: FlexibleShares = FlexibleShares()
    short_service: ShortService
    subsidy: Subsidy
    pooling: Pooling
    initial: InitialState
