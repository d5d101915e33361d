"""Scenario blocks of unemployment insurance (失业保险): national rules (``policy.unemployment``)
and regional behaviour (``unemployment``). No numerics here."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, field_validator

from simulator.scenario.fund import FundInitial
from simulator.scenario.params import WHOLE, Amount, Rate, Strict, parse_date


class UnemploymentPolicy(Strict):
    """Statutory parameters (《失业保险条例》 1999 and the rate notices)."""

    rate: Rate = Field(description="total contribution rate, employer + employee, share of the base")
    duration_months: Annotated[dict[int, int], WHOLE] = Field(
        description="cumulative contribution years (at least) -> maximum months of benefit"
    )
    extension_effective: dt.date = Field(
        description="from this date recipients within one year of retirement age are paid until it"
    )
    source: str

    @field_validator("extension_effective", mode="before")
    @classmethod
    def _date(cls, value: object) -> dt.date:
        return parse_date(value)

    @field_validator("duration_months")
    @classmethod
    def _durations(cls, table: dict[int, int]) -> dict[int, int]:
        if not table or min(table) < 1 or any(not 1 <= m <= 60 for m in table.values()):
            raise ValueError("needs {years >= 1: months in 1..60}")
        return dict(sorted(table.items()))


class SkillsSubsidy(Strict):
    """Skills-upgrading subsidies (技能提升补贴) paid to insured workers who gain a certificate."""

    claim_rate: Rate = Field(description="claims per insured per year")
    amount: Amount = Field(description="average subsidy per claim (yuan)")


class Unemployment(Strict):
    """Regional behaviour and state of unemployment insurance."""

    coverage: Rate = Field(description="insured / urban employment below the statutory retirement age")
    inflow_rate: Rate = Field(
        description="insured who lose their job involuntarily each year with >= 1 contribution year"
    )
    take_up: Rate = Field(description="share of those who claim the benefit")
    reemployment_rate: Rate = Field(description="recipients who find work, per month")
    claimant_years: Annotated[dict[int, float], WHOLE] = Field(
        description="cumulative contribution years (at least) -> share of claimants (weights, normalised)"
    )
    benefit_ratio: Rate = Field(description="unemployment benefit / minimum wage")
    minimum_wage: Amount = Field(description="monthly minimum wage the benefit is set against (yuan / month)")
    medical_contribution: Amount = Field(
        description="medical-insurance contribution paid for each recipient (yuan / month)"
    )
    stabilisation_refund: Rate = Field(
        description="job-stabilisation refunds as a share of the previous year's contributions"
    )
    compliance: Rate | None = Field(
        None, description="contributions collected / due at the statutory rate on the contribution base (none: 1)"
    )
    skills_subsidy: SkillsSubsidy
    initial: FundInitial

    @field_validator("claimant_years")
    @classmethod
    def _shares(cls, shares: dict[int, float]) -> dict[int, float]:
        if not shares or min(shares) < 1 or any(v < 0 for v in shares.values()) or sum(shares.values()) <= 0:
            raise ValueError("needs {years >= 1: share}, shares >= 0 with a positive sum (normalised to 1)")
        return dict(sorted(shares.items()))
