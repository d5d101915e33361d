"""Scenario blocks for the economy and the labour market (no numerics here)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from simulator.scenario.params import WHOLE, Amount, Growth, Rate, Strict


class Economy(Strict):
    """Wages, prices and returns, all nominal, yuan."""

    average_wage: Amount = Field(description="average wage of the region (yuan / year); continues by wage growth")
    wage_growth: Growth = Field(description="nominal growth of the average wage (per year)")
    inflation: Growth = Field(description="consumer-price inflation (per year)")
    fund_return: Growth = Field(description="return earned on social-insurance fund balances (per year)")


class AgeProfile(Strict):
    """A rate by single age from knots ``{age: rate}``: straight lines between knots, zero outside them."""

    male: Annotated[dict[int, float], WHOLE]
    female: Annotated[dict[int, float], WHOLE]
    source: str | None = None
    note: str | None = None

    @field_validator("male", "female")
    @classmethod
    def _knots(cls, knots: dict[int, float]) -> dict[int, float]:
        if len(knots) < 2:
            raise ValueError("needs at least two {age: rate} knots")
        for age, rate in knots.items():
            if not 0 <= age <= 100 or not 0.0 <= rate <= 1.0:
                raise ValueError(f"knot {age}: {rate} needs an age in 0..100 and a rate in [0, 1]")
        if not any(knots.values()):
            raise ValueError("every rate is 0 (expected somebody employed: coverage is a share of employment)")
        return dict(sorted(knots.items()))


class Labour(Strict):
    """Urban employment by sex and age = population x employment rate(sex, age) x urban share."""

    employment_rate: AgeProfile = Field(description="share of the population employed, by sex and age")
    urban_share: Rate = Field(description="share of the employed who work in urban areas")
