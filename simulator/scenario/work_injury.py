"""Scenario blocks of work-injury insurance (工伤保险): national rules (``policy.work_injury``)
and regional behaviour (``work_injury``). No numerics here."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from simulator.scenario.employee_pension import Indexation
from simulator.scenario.fund import FundInitial
from simulator.scenario.params import WHOLE, Amount, Rate, Strict

GRADES = tuple(range(1, 11))
LONG_TERM_GRADES = (1, 2, 3, 4)


class WorkInjuryPolicy(Strict):
    """Statutory parameters (《工伤保险条例》, 2010 revision)."""

    lump_sum_months: Annotated[dict[int, float], WHOLE] = Field(
        description="one-off disability subsidy by grade 1..10, months of own wage"
    )
    allowance_rates: Annotated[dict[int, float], WHOLE] = Field(
        description="monthly disability allowance by grade 1..4, share of own wage"
    )
    spouse_rate: float = Field(ge=0, le=1, description="survivor pension of a spouse, share of the deceased's wage")
    other_dependant_rate: float = Field(
        ge=0, le=1, description="survivor pension of each other dependant, share of the wage"
    )
    survivor_cap: float = Field(ge=0, le=1, description="survivor pensions together at most this share of the wage")
    funeral_months: float = Field(ge=0, description="funeral grant, months of the previous-year average wage")
    death_grant_multiple: float = Field(
        ge=0, description="death lump sum, times the previous-year national urban per-capita disposable income"
    )
    disposable_income: Amount = Field(description="national urban per-capita disposable income (yuan / year)")
    source: str

    @field_validator("lump_sum_months")
    @classmethod
    def _ten(cls, table: dict[int, float]) -> dict[int, float]:
        if tuple(sorted(table)) != GRADES or any(v < 0 for v in table.values()):
            raise ValueError("needs one value >= 0 for each grade 1..10")
        return dict(sorted(table.items()))

    @field_validator("allowance_rates")
    @classmethod
    def _four(cls, table: dict[int, float]) -> dict[int, float]:
        if tuple(sorted(table)) != LONG_TERM_GRADES or any(not 0 <= v <= 1 for v in table.values()):
            raise ValueError("needs one share in [0, 1] for each grade 1..4")
        return dict(sorted(table.items()))


class WorkInjuryInitial(FundInitial):
    history_years: int = Field(
        ge=0, le=80, description="years of base-year injuries that build the base-year pensioner stocks"
    )


class WorkInjury(Strict):
    """Regional behaviour and state of work-injury insurance."""

    coverage: Rate = Field(description="insured / urban employment below the statutory retirement age")
    rate: Rate = Field(description="average contribution rate (employers only), share of the base")
    compliance: Rate | None = Field(
        None, description="contributions collected / due at the rate on the contribution base (none: 1)"
    )
    incidence: Rate = Field(description="recognised injuries per insured per year")
    death_share: Rate = Field(description="share of recognised injuries that are deaths")
    grade_shares: Annotated[dict[int, float], WHOLE] = Field(description="disability grade 1..10 -> share of recognised injuries")
    medical_per_injury: Amount = Field(description="medical and rehabilitation cost per recognised injury (yuan)")
    indexation: Indexation = Field(description="yearly increase of allowances and survivor pensions in payment")
    spouse_share: Rate = Field(description="share of deaths that leave an eligible spouse")
    other_dependants: float = Field(ge=0, le=10, description="eligible other dependants per death")
    other_exit_rate: Rate = Field(description="other dependants whose pension ends each year (adulthood, death)")
    disabled_mortality: float = Field(
        ge=1, le=20, description="death probability of grades 1-4 / that of the population"
    )
    initial: WorkInjuryInitial

    @field_validator("grade_shares")
    @classmethod
    def _grades(cls, shares: dict[int, float]) -> dict[int, float]:
        if tuple(sorted(shares)) != GRADES or any(v < 0 for v in shares.values()) or sum(shares.values()) > 1:
            raise ValueError("needs a share >= 0 for each grade 1..10, summing to at most 1")
        return dict(sorted(shares.items()))
