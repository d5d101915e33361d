"""The ``demography:`` block of a scenario: base population, mortality, fertility, migration.

The method and the sources are in ``docs/demography.md``; every key is in ``docs/scenario.md``.
"""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from simulator.scenario.params import Dated, Strict

P = TypeVar("P")

CENSUS_BASE_YEARS = (2010, 2020)
"""Base years a census-based base population supports: the 2010 census aged forward to 2020,
raked to the 2020 census, reverse-survived to earlier years (``simulator.model.demography.base``)."""


def _demographic(lower: float | None, upper: float | None, what: str, linear: bool = False):
    """A dated parameter in [lower, upper] that follows no wage or price index
    (``linear``: points joined by straight lines, no uprating)."""

    def check(value: Dated) -> Dated:
        value.check_range(lower, upper, what)
        rule = value.uprating
        if linear and (value.interpolation != "linear" or rule is not None):
            message = "{what} points are joined by straight lines (expected interpolation: linear and no uprating)"
            raise PydanticCustomError("dated", message, {"what": what})
        if rule is not None and (rule.wage or rule.prices):
            raise PydanticCustomError(
                "dated", "{what} does not follow wages or prices (expected uprating with fixed only)", {"what": what}
            )
        return value

    return Annotated[Dated, AfterValidator(check)]


LifeExpectancy = _demographic(20.0, 110.0, "life expectancy", linear=True)
"""Period life expectancy at birth, years, at dated points (read at 1 July: write 2015-07-01 for 2015)."""
Gain = _demographic(-1.0, 1.0, "e0 gain")
"""Years of life expectancy at birth gained per calendar year."""
TotalFertility = _demographic(0.0, 10.0, "total fertility rate")
SexRatio = _demographic(80.0, 150.0, "sex ratio at birth")
Persons = _demographic(None, None, "net migration")


class BySex(Strict, Generic[P]):
    male: P
    female: P


class Census2020(Strict):
    """The region's 2020 census (2020-11-01, treated as the end of 2020): total and broad age shares."""

    total: float = Field(gt=0, description="persons")
    male: float | None = Field(None, gt=0, description="persons; when given, the sexes are raked to it")
    age_0_14: float = Field(ge=0, le=1, description="share of the total")
    age_15_59: float = Field(ge=0, le=1)
    age_60_plus: float = Field(ge=0, le=1)
    age_65_plus: float = Field(ge=0, le=1)
    source: str
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Census2020:
        total = self.age_0_14 + self.age_15_59 + self.age_60_plus
        if abs(total - 1.0) > 0.0005:
            raise ValueError(f"age_0_14 + age_15_59 + age_60_plus = {total:.4f} (expected 1 within 0.0005)")
        if self.age_65_plus > self.age_60_plus:
            raise ValueError(f"age_65_plus {self.age_65_plus} > age_60_plus {self.age_60_plus} (expected 65+ in 60+)")
        if self.male is not None and not 0.3 <= self.male / self.total <= 0.7:
            share = self.male / self.total
            raise ValueError(f"male {self.male:.0f} is {share:.1%} of total {self.total:.0f} (expected 30% to 70% of the total)")
        return self


class Figure(Strict):
    value: float = Field(gt=0)
    source: str
    note: str | None = None


class BasePopulation(Strict):
    """Either the region's census 2020 (with the national single-age shape) or a user CSV."""

    census_2020: Census2020 | None = None
    base_total: Figure | None = Field(None, description="persons at the end of the base year; the fit is scaled to it")
    file: str | None = Field(None, description="CSV sex,age,population at the base year's end (path from the cwd)")

    @model_validator(mode="after")
    def _one_source(self) -> BasePopulation:
        if (self.census_2020 is None) == (self.file is None):
            raise ValueError("give census_2020 or file, not both or neither (expected exactly one base population)")
        if self.file is not None and self.base_total is not None:
            raise ValueError("base_total scales the census fit and has no effect with file (expected no base_total)")
        return self


class RegionalLevel(Strict):
    """The region's published life expectancy at birth minus the nation's (both sexes, same publication
    and year): WPP's rates are scaled by one factor so that WPP's e0 of that year moves by this gap."""

    year: int = Field(ge=1950, le=2100, description="year of the two life expectancies")
    e0_gap: float = Field(ge=-5, le=5, description="regional minus national e0, years; within 5, which a factor of at most 2 on WPP's rates reaches in every year")
    source: str
    note: str | None = None


class Wpp2024(Strict):
    """UN WPP 2024 national death rates with their medium-variant improvement (docs/demography.md)."""

    level: RegionalLevel | None = Field(None, description="absent: the national rates are used")
    note: str | None = None


class Mortality(Strict):
    """Either the WPP 2024 rates (``wpp2024``) or Brass life tables set by an e0 path (``e0``, ``e0_gain``)."""

    wpp2024: Wpp2024 | None = None
    e0: BySex[LifeExpectancy] | None = Field(None, description="period life expectancy at birth, years, joined linearly")
    e0_gain: BySex[Gain] | None = Field(None, description="years of e0 gained per year after the last e0 point")

    @model_validator(mode="after")
    def _one_basis(self) -> Mortality:
        brass = (self.e0 is not None, self.e0_gain is not None)
        if self.wpp2024 is not None and any(brass):
            raise ValueError("give wpp2024 or e0 and e0_gain, not both (expected one mortality basis)")
        if self.wpp2024 is None and not all(brass):
            missing = " and ".join(k for k, given in zip(("e0", "e0_gain"), brass) if not given)
            raise ValueError(f"{missing} missing (expected wpp2024, or e0 and e0_gain for Brass life tables)")
        return self


class Fertility(Strict):
    tfr: TotalFertility = Field(description="total fertility rate, children per woman")
    sex_ratio_at_birth: SexRatio = Field(description="male births per 100 female births")


class Migration(Strict):
    net: Persons = Field(description="net migrants per year, persons (negative: net out-migration)")


class Demography(Strict):
    base_population: BasePopulation
    mortality: Mortality
    fertility: Fertility
    migration: Migration
