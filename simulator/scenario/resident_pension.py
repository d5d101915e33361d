"""Scenario blocks of the urban-rural residents pension (城乡居民基本养老保险): national rules
(``policy.resident_pension``) and regional behaviour (``resident_pension``). No numerics here."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator, model_validator

from simulator.scenario.fund import FundInitial
from simulator.scenario.params import WHOLE, Amount, Growth, Rate, Strict, Uprating


class ResidentPensionPolicy(Strict):
    """Statutory parameters (国发〔2014〕8号 and the national notices raising the minimum)."""

    minimum_pension: Amount = Field(
        description="national minimum basic pension (yuan / month), uprated after its last date"
    )
    entry_age: int = Field(ge=10, le=30, description="youngest age that may join (years)")
    claim_age: int = Field(ge=50, le=75, description="age from which the pension is paid (years)")
    account_divisor: float = Field(gt=0, description="months: account pension = balance / divisor")
    source: str


class ResidentPension(Strict):
    """Regional behaviour and state of the residents pension."""

    coverage: Rate = Field(
        description="participants / residents aged entry_age..claim_age-1 not contributing to the employee pension"
    )
    take_up: Rate = Field(description="beneficiaries / residents aged claim_age+ not drawing an employee pension")
    contribution_density: Rate = Field(description="participants who pay in the year / participants")
    top_up: Amount = Field(description="local addition to the national minimum basic pension (yuan / month, average)")
    tier_shares: Annotated[dict[int, float], WHOLE] = Field(
        description="contribution tier (yuan / year) -> share of contributors (weights, normalised)"
    )
    tier_subsidies: Annotated[dict[int, float], WHOLE] = Field(
        description="contribution tier (yuan / year) -> government subsidy into the account (yuan / year)"
    )
    tier_uprating: Uprating = Field(
        description="yearly growth of the tier amounts and their subsidies after the base year"
    )
    central_share: Rate = Field(description="share of the national minimum basic pension paid by the central budget")
    crediting_rate: Growth = Field(description="interest credited to individual accounts (per year)")
    account_start: int = Field(ge=1990, le=2030, description="first year of contributions to accounts")
    initial: FundInitial

    @field_validator("tier_shares")
    @classmethod
    def _shares(cls, shares: dict[int, float]) -> dict[int, float]:
        if any(v < 0 for v in shares.values()) or sum(shares.values()) <= 0:
            raise ValueError("tier shares must be >= 0 with a positive sum (they are normalised to 1)")
        return dict(sorted(shares.items()))

    @model_validator(mode="after")
    def _same_tiers(self) -> ResidentPension:
        if set(self.tier_shares) != set(self.tier_subsidies):
            raise ValueError("tier_shares and tier_subsidies must name the same tiers")
        return self
