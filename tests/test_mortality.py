"""UN WPP 2024 mortality (single ages, calendar years, life tables, regional level), the smooth census
fit of the base population, and the checks against the census and registered deaths (docs/demography.md
sections 2, 3 and 7)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import simulator
from simulator.model.demography import base, data, paths, population_dataset, wpp
from simulator.model.demography.lifetable import table_from_rates
from tests.conftest import SCENARIOS
from tests.test_demography import BRASS, _variant

STARTS, LOWER, ABRIDGED = data.wpp_death_rates()


def _load(name: str):
    return simulator.load_scenario(SCENARIOS / f"{name}.yaml")


# ---------------------------------------------------------------- single ages and calendar years


def test_single_ages_keep_every_group_rate() -> None:
    """For every sex and period: each group's deaths over person-years of the single-age table
    (a = 1/2) equal WPP's group rate; age 0 is m_0 and 100+ is m_100+; all rates are positive and rise
    with age from 30 to 99."""
    single = wpp.single_ages(LOWER, ABRIDGED)
    tables = table_from_rates(single.transpose(1, 0, 2))  # (period, sex, age)
    d = (tables.l[..., :-1] - tables.l[..., 1:])[..., :100]
    L = tables.L[..., :100]
    group = np.searchsorted(LOWER, np.arange(100), side="right") - 1
    rates = np.stack([d[..., group == g].sum(-1) / L[..., group == g].sum(-1) for g in range(len(LOWER) - 1)], -1)
    np.testing.assert_allclose(rates, ABRIDGED.transpose(1, 0, 2)[..., :-1], rtol=1e-9)
    np.testing.assert_allclose(single[..., 0], ABRIDGED[..., 0], rtol=1e-10)
    np.testing.assert_array_equal(single[..., 100], ABRIDGED[..., -1])
    assert (single > 0).all() and (np.diff(single[..., 30:100], axis=-1) > 0).all()


def test_calendar_years_by_hand() -> None:
    """Period 2015-2020 has its midpoint at 2018.0, 2020-2025 at 2023.0, 2025-2030 at 2028.0.
    2020 is read at 2020.5, half way: the geometric mean. 2023 (2023.5) is 1/10 of the way from
    2020-2025 to 2025-2030. 2099 and 2150 are past the last midpoint (2098.0): 2095-2100 holds."""
    single = wpp.single_ages(LOWER, ABRIDGED)
    period = {int(s): single[:, k] for k, s in enumerate(STARTS)}
    rates = wpp.national_rates(np.array([2020, 2023, 2099, 2150]))
    np.testing.assert_allclose(rates[0], np.sqrt(period[2015] * period[2020]), rtol=1e-12)
    np.testing.assert_allclose(rates[1], period[2020] ** 0.9 * period[2025] ** 0.1, rtol=1e-12)
    np.testing.assert_allclose(rates[2:], [period[2095]] * 2, rtol=1e-12)


def test_table_from_rates_returns_the_rates() -> None:
    """d(x) / L(x) = m(x) at every age 0..99; the open group: e(100) = 1 / m(100+) (a = 1/2 inverts
    m = d / L exactly; survivors past age 131 are negligible)."""
    m = wpp.national_rates(np.array([2015, 2050]))
    tables = table_from_rates(m)
    d = tables.l[..., :-1] - tables.l[..., 1:]
    np.testing.assert_allclose((d / tables.L)[..., :100], m[..., :100], rtol=1e-10)
    np.testing.assert_allclose(tables.e(100), 1.0 / m[..., 100], rtol=1e-6)


def test_wpp_e0_is_reproduced() -> None:
    """Our single-age, calendar-year tables against WPP's own annual e0 (estimates to 2023, medium after),
    outside 2020-2025 whose annual values carry the COVID deaths and the rebound that the five-year
    rates spread over the periods: within 0.4 years every year (the largest is the men's dip of 2017 in
    WPP's annual series) and 0.05 years on average."""
    years = np.array([y for y in range(2010, 2101) if not 2020 <= y <= 2025])
    ours = wpp.tables(years).e(0)
    published = np.array([[data.wpp_e0()[sex, int(y)] for sex in data.SEXES] for y in years])
    error = np.abs(ours - published)
    print(f"|e0 - WPP e0| outside 2020-2025: largest {error.max():.3f}, mean {error.mean():.3f} years")
    assert error.max() < 0.4 and error.mean() < 0.05


# ---------------------------------------------------------------- regional level


def test_level_factor_moves_e0_by_the_gap() -> None:
    """k(0) = 1; the mean e0 of the two sexes moves by the gap; a longer-lived region has k < 1."""
    rates = wpp.national_rates(np.array([2010]))[0]
    e0 = table_from_rates(rates).e(0).mean()
    assert wpp.level_factor(2010, 0.0) == pytest.approx(1.0, abs=1e-8)
    for gap in (-0.5, 1.55, 2.9):
        k = wpp.level_factor(2010, gap)
        assert table_from_rates(k * rates).e(0).mean() - e0 == pytest.approx(gap, abs=1e-7)
        assert (k < 1) == (gap > 0)


@settings(max_examples=15)
@given(st.floats(-3.0, 3.0), st.floats(0.05, 1.0))
def test_level_factor_falls_as_the_gap_grows(gap: float, more: float) -> None:
    assert wpp.level_factor(2020, gap + more) < wpp.level_factor(2020, gap)


def test_every_allowed_gap_is_reachable_and_others_are_an_error() -> None:
    """The scenario allows gaps of -5..5 years: a factor within FACTOR_RANGE reaches them in the first
    and last years WPP covers; -9 years in 2010 needs a factor above 2 and is refused."""
    for year in (1950, 2100):
        for gap in (-5.0, 5.0):
            assert wpp.FACTOR_RANGE[0] < wpp.level_factor(year, gap) < wpp.FACTOR_RANGE[1]
    with pytest.raises(ValueError, match=r"demography.mortality.wpp2024.level.e0_gap: -9.00 years .*expected a smaller gap"):
        wpp.level_factor(2010, -9.0)


def test_scenario_level_and_national_tables() -> None:
    """Jiangxi: its 2010 gap (-0.50) holds between its tables and the national ones in 2010; China has none."""
    demography = _load("jiangxi").demography
    years = np.array([2010])
    regional, national = paths.life_tables(demography, years), paths.life_tables(demography, years, regional=False)
    assert regional.e(0).mean() - national.e(0).mean() == pytest.approx(demography.mortality.wpp2024.level.e0_gap, abs=1e-7)
    np.testing.assert_allclose(national.e(0), wpp.tables(years).e(0))
    china = _load("china").demography
    np.testing.assert_allclose(paths.life_tables(china, years).e(0), wpp.tables(years).e(0))


# ---------------------------------------------------------------- smooth census fit


@pytest.fixture(scope="module")
def shapes() -> dict[str, np.ndarray]:
    """The aged-forward national 2020 population (not fitted), its fit, and two regional fits."""
    span = np.arange(2011, 2021)
    demography = _load("jiangxi").demography
    tables = paths.life_tables(demography, span, regional=False)
    aged = base.national_history(tables.survival(), tables.infant_survival(), paths.male_share_path(demography, span))[-1]
    national = base.national_2020(aged)
    out = {"aged": aged, "national": national}
    for region in ("jiangxi", "liaoning"):
        out[region] = base.fit_region(national, _load(region).demography.base_population.census_2020)
    return out


def test_national_fit_keeps_the_census_groups_and_sexes(shapes) -> None:
    lower, persons = data.census_2020_groups()
    groups = np.searchsorted(lower, np.arange(data.AGES), side="right") - 1
    both = shapes["national"].sum(axis=0)
    np.testing.assert_allclose(np.bincount(groups, weights=both), persons, rtol=1e-10)
    ind = data.census_2020_indicators("china")
    sexes = [ind["population_male"] - base.SERVICEMEN, ind["population_female"]]
    np.testing.assert_allclose(shapes["national"].sum(axis=1), sexes, rtol=1e-10)


@pytest.mark.parametrize("region", ["jiangxi", "liaoning"])
def test_regional_fit_keeps_the_groups_and_has_no_cliffs(region: str, shapes) -> None:
    """0-14, 15-59, 60-64, 65+ (and Jiangxi's men) hold exactly. At each group edge e the region's
    step ln N(e) - ln N(e-1) differs from the national shape's own step by less than the national
    shape's median step between neighbouring ages (a factor constant within groups would differ by
    the log ratio of the two groups' factors: 0.24 for Jiangxi at 15). The famine trough stays."""
    census = _load(region).demography.base_population.census_2020
    fit, national = shapes[region], shapes["national"]
    both = fit.sum(axis=0)
    shares = [census.age_0_14, census.age_15_59, census.age_60_plus - census.age_65_plus, census.age_65_plus]
    groups = np.searchsorted(base.REGION_GROUPS, np.arange(data.AGES), side="right") - 1
    np.testing.assert_allclose(np.bincount(groups, weights=both), census.total * np.array(shares) / sum(shares), rtol=1e-10)
    if census.male is not None:
        assert fit[0].sum() == pytest.approx(census.male, rel=1e-10)
    steps = np.diff(np.log(both)) - np.diff(np.log(national.sum(axis=0)))  # steps[a - 1]: from a - 1 to a
    typical = np.median(np.abs(np.diff(np.log(national.sum(axis=0)))[:99]))
    edges = {e: float(steps[e - 1]) for e in (15, 60, 65)}
    print(f"{region}: regional minus national step at the edges {edges}, national median step {typical:.3f}")
    assert all(abs(v) < typical for v in edges.values())
    assert both[57] / both[59] >= 1.5  # born 1963 against born 1961


# ---------------------------------------------------------------- checks against the census and registered deaths


@pytest.fixture(scope="module")
def brass_china(tmp_path_factory):
    path = _variant(tmp_path_factory.mktemp("brass"), SCENARIOS / "china.yaml", {"demography": {"mortality": BRASS}})
    return simulator.load_scenario(path)


def _aged_2020(scenario) -> np.ndarray:
    span = np.arange(2011, 2021)
    tables = paths.life_tables(scenario.demography, span, regional=False)
    return base.national_history(tables.survival(), tables.infant_survival(), paths.male_share_path(scenario.demography, span))


def test_survivors_75_plus_in_2020(brass_china) -> None:
    """The 2010 census aged ten years (no migration) against the 2020 census 75+ (67,039,684, 31
    provinces): WPP 2024 leaves fewer missing than the Brass basis did (reported, not tuned)."""
    lower, persons = data.census_2020_groups()
    census = persons[lower >= 75].sum()
    errors = {}
    for name, scenario in (("wpp2024", _load("china")), ("brass", brass_china)):
        errors[name] = _aged_2020(scenario)[-1][:, 75:].sum() / census - 1.0
    print("survivors 75+ in 2020 against the census:", {k: f"{v:+.1%}" for k, v in errors.items()})
    assert abs(errors["wpp2024"]) < abs(errors["brass"]) and abs(errors["wpp2024"]) < 0.07


def test_deaths_beside_registered_deaths() -> None:
    """Projected deaths 2021-2024 against the registered deaths (NBS, national; provincial statistics
    bureaux): printed; the model stays within -5%..+15% of them (reported, not tuned: the model's
    deaths are WPP's rates on the census population, which is older than WPP's own)."""
    rows = {}
    for region, registered in (
        ("china", data.national_series("deaths")),
        ("jiangxi", data.region_series("jiangxi", "deaths")),
        ("liaoning", data.region_series("liaoning", "deaths")),
    ):
        ds = population_dataset(_load(region))
        for year in range(2021, 2025):
            if year in registered:
                rows[region, year] = float(ds.deaths.sel(year=year)) / registered[year] - 1.0
    print("model deaths / registered - 1:", {f"{r} {y}": f"{v:+.1%}" for (r, y), v in rows.items()})
    assert all(-0.05 < v < 0.15 for v in rows.values()), rows


def test_five_year_survivors_60_plus() -> None:
    """The national population aged 60+ at the end of 2015 (aged forward from the 2010 census) and its
    survivors at 65+ in 2020, against the 2020 census 65+ (190,635,280) over the 2015 sample survey's 60+
    (221,820,000): 0.859. The model's ratio (0.828) is lower: its old-age deaths are still high for the
    census counts (reported, not tuned; docs/demography.md section 7)."""
    history = _aged_2020(_load("china"))
    model = history[-1][:, 65:].sum() / history[5][:, 60:].sum()
    published = 190_635_280 / data.region_series("china", "age_60_plus_population")[2015]
    print(f"survivors 65+ (2020) / 60+ (2015): model {model:.3f}, census / sample survey {published:.3f}")
    assert 0.95 < model / published < 1.0


def test_liaoning_2015_against_its_sample_survey() -> None:
    """Liaoning's base population at the end of 2015 (the 2020 census fit survived back, scaled to the
    2015 total) against the 2015 1% sample survey's broad groups, not used by the fit: within 10%."""
    pop = population_dataset(_load("liaoning")).population.sel(year=2015).sum("sex")
    errors = {}
    for name, (lo, hi) in {"0_14": (0, 14), "15_59": (15, 59), "60_plus": (60, 100), "65_plus": (65, 100)}.items():
        sample = data.region_series("liaoning", f"age_{name}_population")[2015]
        errors[name] = float(pop.sel(age=slice(lo, hi)).sum()) / sample - 1.0
    print("Liaoning 2015, model / sample survey - 1:", {k: f"{v:+.1%}" for k, v in errors.items()})
    assert all(abs(v) < 0.10 for v in errors.values()), errors
