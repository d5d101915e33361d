"""Demography: life tables, base population, the Jiangxi 2010 -> 2020 check, derived scenario
figures, the national projection beside UN WPP 2024, user CSVs, the dataset interface, the pyramid."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import simulator
from simulator.errors import ScenarioError
from simulator.model.demography import data, derive, population_dataset
from simulator.model.demography.assembly import build_inputs
from simulator.model.demography.base import read_population_csv, reverse_survive, smooth_rake
from simulator.model.demography.lifetable import JOIN, brass_table, standard_logit, tables_for_e0
from simulator.model.demography.paths import e0_path
from simulator.model.kernels.population import age_one_year
from tests.conftest import FIXTURES, SCENARIOS

CSV = FIXTURES / "demography"


@pytest.fixture(scope="module")
def jiangxi():
    return simulator.load_scenario(SCENARIOS / "jiangxi.yaml")


@pytest.fixture(scope="module")
def china():
    return simulator.load_scenario(SCENARIOS / "china.yaml")


@pytest.fixture(scope="module")
def jiangxi_ds(jiangxi):
    return population_dataset(jiangxi)


@pytest.fixture(scope="module")
def china_ds(china):
    return population_dataset(china)


def _variant(tmp_path: Path, base: Path, changes: dict) -> Path:
    """A child scenario of ``base`` with ``changes`` merged over it (extends)."""
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump({"extends": str(base), **changes}, allow_unicode=True), encoding="utf-8")
    return path


def _e0(*values: float) -> dict:
    return {"values": dict(zip(("2010-07-01", "2015-07-01", "2020-07-01"), values)), "interpolation": "linear"}


# The Brass basis on the 2010 census standard, at the published e0 (docs/demography.md section 3):
# the mortality the shipped scenarios used before UN WPP 2024. ``wpp2024: null`` removes the parent's basis.
BRASS = {
    "wpp2024": None,
    "e0": {"male": _e0(72.38, 73.64, 75.37), "female": _e0(77.37, 79.43, 80.88)},
    "e0_gain": {sex: {2021: 0.25, 2031: 0.15, 2051: 0.10} for sex in ("male", "female")},
}


@pytest.fixture(scope="module")
def brass(tmp_path_factory):
    """Jiangxi on the Brass basis."""
    path = _variant(tmp_path_factory.mktemp("brass"), SCENARIOS / "jiangxi.yaml", {"demography": {"mortality": BRASS}})
    return simulator.load_scenario(path)


# ---------------------------------------------------------------- life tables


@settings(max_examples=25)
@given(st.floats(55.0, 95.0), st.floats(55.0, 95.0))
def test_life_table_hits_target_e0_and_is_sane(e0_male: float, e0_female: float) -> None:
    tables = tables_for_e0(np.array([e0_male, e0_female]), data.census_2010_death_rates())
    np.testing.assert_allclose(tables.e(0), [e0_male, e0_female], atol=1e-6)
    assert (np.diff(tables.l, axis=-1) <= 0).all() and tables.l[..., -1].max() == 0.0
    survival = tables.survival()
    assert ((survival > 0) & (survival < 1)).all()
    assert (np.diff(survival[:, 85:], axis=-1) < 0).all()  # Kannisto: mortality rises steadily at 85+


@settings(max_examples=10)
@given(st.floats(-1.0, 1.0))
def test_brass_logit_is_a_constant_shift_of_the_standard(alpha: float) -> None:
    """Y(x) - Y_s(x) = alpha at every exact age 1..85 (beta = 1)."""
    ys = standard_logit(data.census_2010_death_rates())
    l = brass_table(np.array([alpha, alpha]), ys).l[:, 1 : JOIN + 1]
    np.testing.assert_allclose(0.5 * np.log((1 - l) / l) - ys[:, 1:], alpha, atol=1e-9)


def test_open_group_survival_is_t101_over_t100() -> None:
    tables = tables_for_e0(np.array([75.0, 80.0]), data.census_2010_death_rates())
    np.testing.assert_allclose(tables.survival()[:, 100], tables.T[:, 101] / tables.T[:, 100])
    np.testing.assert_allclose(tables.survival()[:, 99], tables.L[:, 100] / tables.L[:, 99])


def test_e0_path_by_hand(brass) -> None:
    """Men: points 72.38 (2010-07-01) and 73.64 (2015-07-01): 2012 (1 July) is 731 of 1826 days
    along: 72.38 + 1.26 x 731 / 1826 = 72.884417. After the last point 75.37 (2020) the gain is
    0.25 a year: 2022 = 75.37 + 2 x 0.25 = 75.87; 2031 = 75.37 + 10 x 0.25 + 0.15 = 78.02."""
    e0 = e0_path(brass.demography, np.array([2012, 2020, 2022, 2031]))
    np.testing.assert_allclose(e0[:, 0], [72.38 + 1.26 * 731 / 1826, 75.37, 75.87, 78.02], atol=1e-9)


def test_reported_e0_and_e60_on_the_brass_basis(brass) -> None:
    ds = population_dataset(brass)
    e0, e60 = ds["e0"], ds["e60"]
    np.testing.assert_allclose(e0.sel(year=[2015, 2020]).values, [[73.64, 79.43], [75.37, 80.88]], atol=1e-6)
    men, women = (float(e60.sel(year=2020, sex=s)) for s in ("male", "female"))
    assert (e60.diff("year") > 0).all() and 15 < men < women < 30


# ---------------------------------------------------------------- base population


def test_smooth_rake_by_hand() -> None:
    """Ages 0-1 | 2-3 (groups), men and women all ones; targets 6 and 2, sexes 5 and 3.
    Knots at the groups' mean ages 0.5 and 2.5: f(0) = v0, f(1) = 3/4 v0 + 1/4 v1, f(2) = 1/4 v0 + 3/4 v1,
    f(3) = v1. Groups (both sexes weigh 2): 2 (7/4 v0 + 1/4 v1) = 6 and 2 (1/4 v0 + 7/4 v1) = 2 give
    v0 = 5/3, v1 = 1/3, so f = 5/3, 4/3, 2/3, 1/3 (a straight line: no step at age 2). The sexes scale
    by 5/4 and 3/4 (equal shapes keep f)."""
    pop = np.ones((2, 4))
    out = smooth_rake(pop, np.array([0, 2]), np.array([6.0, 2.0]), np.array([5.0, 3.0]))
    f = np.array([5, 4, 2, 1]) / 3
    np.testing.assert_allclose(out, [1.25 * f, 0.75 * f], rtol=1e-12)
    np.testing.assert_allclose(smooth_rake(pop, np.array([0, 2]), np.array([6.0, 2.0])), [f, f], rtol=1e-12)


def test_reverse_survival_projects_back_to_the_census(jiangxi) -> None:
    """Ageing the reverse-survived base-year population n = 2020 - base years (no births, no migration)
    gives the 2020 fit at ages n+ and in the open group."""
    inputs = build_inputs(jiangxi)
    n = 2020 - jiangxi.base_year
    back = reverse_survive(inputs.census_fit, inputs.survival[1 : n + 1], inputs.base)
    pop = back
    for k in range(1, n + 1):
        pop = age_one_year(pop, inputs.survival[k])
    np.testing.assert_allclose(pop[:, n:], inputs.census_fit[:, n:], rtol=1e-12)


def test_jiangxi_2020_from_2010(jiangxi, jiangxi_ds) -> None:
    """Starting at the 2010 census (44,567,475, the end of 2010), the projection reproduces the 2020 census
    total within 0.5% and the shares 0-14, 15-59, 60+, 65+ within 0.5 point."""
    census = jiangxi.demography.base_population.census_2020
    assert jiangxi.base_year == 2010
    np.testing.assert_allclose(float(jiangxi_ds.population_total.sel(year=2010)), 44_567_475)
    pop = jiangxi_ds.population.sel(year=2020).sum("sex")
    total = float(pop.sum())
    errors = {"total %": 100 * (total / census.total - 1)}
    for name, (lo, hi), share in (
        ("0-14", (0, 14), census.age_0_14),
        ("15-59", (15, 59), census.age_15_59),
        ("60+", (60, 100), census.age_60_plus),
        ("65+", (65, 100), census.age_65_plus),
    ):
        errors[name] = 100 * (float(pop.sel(age=slice(lo, hi)).sum()) / total - share)
    print("Jiangxi 2020 from 2010, errors (total %, shares points):", {k: round(v, 3) for k, v in errors.items()})
    assert abs(errors.pop("total %")) < 0.5
    assert all(abs(v) < 0.5 for v in errors.values()), errors


@pytest.mark.parametrize("which", ["jiangxi_ds", "china_ds"])
def test_famine_cohort_shape_in_2020(which, request) -> None:
    """Born 1963 (age 57 at the end of 2020) against born 1961 (age 59): the boom after the famine."""
    pop = request.getfixturevalue(which).population.sel(year=2020).sum("sex")
    assert float(pop.sel(age=57) / pop.sel(age=59)) >= 1.5


def test_base_year_2020_is_the_census_fit(tmp_path) -> None:
    changes = {"base_year": 2020, "demography": {"base_population": {"base_total": None}}}  # null drops the base-year total
    scenario = simulator.load_scenario(_variant(tmp_path, SCENARIOS / "jiangxi.yaml", changes))
    pop = population_dataset(scenario).population.sel(year=2020)
    census = scenario.demography.base_population.census_2020
    np.testing.assert_allclose(float(pop.sum()), census.total, rtol=1e-12)
    np.testing.assert_allclose(float(pop.sel(sex="male").sum()), census.male, rtol=1e-9)
    np.testing.assert_allclose(float(pop.sel(age=slice(65, None)).sum()) / census.total, census.age_65_plus, rtol=1e-12)


# ---------------------------------------------------------------- derived figures in the scenarios

# Jiangxi births, persons (江西省统计局 releases, cited in scenarios/jiangxi.yaml fertility.tfr.source).
JIANGXI_BIRTHS = {2021: 377_000, 2022: 325_000, 2023: 295_000, 2024: 300_000}


def _values(param) -> dict[int, float]:
    return {d.year: v for d, v in param.values}


def test_jiangxi_derived_figures_are_current(jiangxi) -> None:
    """The DERIVED TFRs and net migration in jiangxi.yaml equal their derivation (to the rounding)."""
    inputs = build_inputs(jiangxi)
    tfr, net = derive.intercensal(inputs)
    shipped = _values(jiangxi.demography.fertility.tfr)
    for year, value in {**tfr, **derive.implied_tfr(inputs, JIANGXI_BIRTHS)}.items():
        assert shipped[year] == pytest.approx(value, abs=6e-4), year
    assert _values(jiangxi.demography.migration.net)[jiangxi.base_year + 1] == pytest.approx(net, abs=60)


def test_china_derived_tfr_is_current(china) -> None:
    shipped = _values(china.demography.fertility.tfr)
    for year, value in derive.national_implied_tfr(china).items():
        assert shipped[year] == pytest.approx(value, abs=6e-4), year


def test_national_projection_beside_wpp_2024(china_ds) -> None:
    """Reported, not tuned: year-end totals beside WPP 2024 medium (1 July). Sanity band only."""
    wpp = data.wpp_totals()
    assert wpp[2050] == 1_255_125_875 and wpp[2100] == 628_051_415
    rows = {y: (float(china_ds.population_total.sel(year=y)), wpp[y]) for y in (2050, 2100)}
    for year, (model, un) in rows.items():
        print(f"China {year}: model {model:,.0f}, WPP 2024 {un:,.0f}, ratio {model / un:.3f}")
    assert 0.85 < rows[2050][0] / rows[2050][1] < 1.15
    assert 0.6 < rows[2100][0] / rows[2100][1] < 1.4


# ---------------------------------------------------------------- dataset interface


def test_dataset_interface(jiangxi, jiangxi_ds) -> None:
    ds = jiangxi_ds
    base = jiangxi.base_year
    assert list(ds.year.values) == list(range(base, 2101)) and list(ds.sex.values) == ["male", "female"]
    assert list(ds.age.values) == list(range(101))
    dims = {
        "population": ("year", "sex", "age"), "survival": ("year", "sex", "age"), "births": ("year",),
        "deaths": ("year",), "net_migration": ("year", "sex", "age"), "e0": ("year", "sex"), "e60": ("year", "sex"),
        "population_total": ("year",), "old_age_dependency": ("year",),
    }
    for name, want in dims.items():
        var = ds[name]
        assert var.dims == want and var.dtype == np.float64 and var.attrs["units"] and var.attrs["long_name"], name
    assert not ds.survival.isnull().any() and (ds.population >= 0).all()
    np.testing.assert_allclose(ds.population.sel(year=base).values, build_inputs(jiangxi).base)
    change = ds.population_total.diff("year")
    flows = (ds.births - ds.deaths + ds.net_migration.sum(("sex", "age"))).sel(year=slice(base + 1, None))
    np.testing.assert_allclose(change.values, flows.values, rtol=1e-9)
    pop = ds.population.sum("sex")
    ratio = pop.sel(age=slice(65, 100)).sum("age") / pop.sel(age=slice(15, 64)).sum("age")
    np.testing.assert_allclose(ds.old_age_dependency.values, ratio.values)


def test_draws_broadcast(jiangxi, jiangxi_ds) -> None:
    ds = population_dataset(jiangxi, draws=3)
    for name in ("population", "births", "deaths"):
        assert ds[name].dims[0] == "draw" and ds.sizes["draw"] == 3
        np.testing.assert_allclose(ds[name].isel(draw=2).values, jiangxi_ds[name].values)


# ---------------------------------------------------------------- user input


def test_user_csv_base_population(tmp_path) -> None:
    """good.csv: men 1000 + 10 x age, women 5 more. Women aged 30: 1305. Total: 2 x (101 x 1000 +
    10 x 5050) + 101 x 5 = 303,505."""
    base = {"census_2020": None, "base_total": None, "file": str(CSV / "good.csv")}  # null removes the parent's keys
    changes = {"demography": {"base_population": base, "migration": {"net": 0}},  # toy population: no migrants
               "employee_pension": {"initial": {"contributors": 30_000, "dormant": 5_000, "retirees": 20_000}}}
    path = _variant(tmp_path, SCENARIOS / "jiangxi.yaml", changes)
    scenario = simulator.load_scenario(path)
    ds = population_dataset(scenario)
    np.testing.assert_allclose(ds.population.sel(year=scenario.base_year, sex="female", age=30), 1305.0)
    np.testing.assert_allclose(float(ds.population.sel(year=scenario.base_year).sum()), 303_505.0)


@pytest.mark.parametrize(
    ("name", "line", "key", "words"),
    [
        ("bad_header.csv", 1, "(header)", ["expected sex,age,population"]),
        ("bad_sex.csv", 3, "sex", ["'m'", "male or female"]),
        ("bad_age.csv", 2, "age", ["'101'", "0..100"]),
        ("negative.csv", 105, "population", ["'-5'", ">= 0"]),
        ("not_a_number.csv", 12, "population", ["'many'"]),
        ("duplicate.csv", 3, "age", ["male age 0 again", "line 2"]),
        ("missing.csv", 1, "age", ["missing female 0"]),
        ("no_such_file.csv", 1, "demography.base_population.file", ["not found"]),
    ],
)
def test_bad_population_csv(name: str, line: int, key: str, words: list[str]) -> None:
    with pytest.raises(ScenarioError) as err:
        read_population_csv(CSV / name)
    assert err.value.file.endswith(name) and err.value.line == line and err.value.key_path == key
    text = str(err.value)
    assert text.count("\n") == 0 and all(w in text for w in words), text


@pytest.mark.parametrize(
    ("changes", "key", "words"),
    [
        ({"base_population": {"census_2020": {"age_0_14": 0.25}}}, "base_population.census_2020", ["within"]),
        ({"base_population": {"file": "x.csv"}}, "base_population", ["not both"]),
        ({"mortality": {**BRASS, "e0": {**BRASS["e0"], "male": {**_e0(72.0, 73.0, 75.0), "interpolation": "step"}}}},
         "mortality.e0.male", ["straight"]),
        ({"mortality": {"e0_gain": BRASS["e0_gain"]}}, "mortality", ["not both"]),
        ({"mortality": {"wpp2024": None, "e0_gain": BRASS["e0_gain"]}}, "mortality", ["e0 missing"]),
        ({"mortality": {"wpp2024": {"level": {"e0_gap": -6}}}}, "mortality.wpp2024.level.e0_gap", ["-5"]),
        ({"mortality": {"wpp2024": {"level": {"source": None}}}}, "mortality.wpp2024.level.source", []),
        ({"mortality": {"wpp2024": {"levels": 1}}}, "mortality.wpp2024.levels", []),
        ({"fertility": {"tfr": {"uprating": {"wage": 1.0}}}}, "fertility.tfr", ["wages or prices"]),
        ({"fertility": {"sex_ratio_at_birth": {2030: 200}}}, "fertility.sex_ratio_at_birth.2030", ["[80, 150]"]),
    ],
)
def test_bad_demography_keys(tmp_path, changes: dict, key: str, words: list[str]) -> None:
    path = _variant(tmp_path, SCENARIOS / "jiangxi.yaml", {"demography": changes})
    with pytest.raises(ScenarioError) as err:
        simulator.load_scenario(path)
    assert err.value.key_path == f"demography.{key}", str(err.value)
    assert all(w in err.value.message for w in words), str(err.value)


def test_out_migration_beyond_the_population_is_a_load_error(tmp_path) -> None:
    """Class: net out-migration larger than the base population (found by sim validate)."""
    path = _variant(tmp_path, SCENARIOS / "jiangxi.yaml", {"demography": {"migration": {"net": {2030: -60_000_000}}}})
    with pytest.raises(ScenarioError) as err:
        simulator.load_scenario(path)
    assert err.value.key_path == "demography.migration.net.2030" and err.value.line > 1
    assert "more than the base population" in err.value.message


def test_out_migration_that_empties_an_age_group_later_is_an_input_error(tmp_path) -> None:
    """Class: net out-migration that empties an age group only after some years: the projection's
    first step finds it and names the parameter (the CLI points at its file and line)."""
    from simulator.errors import InputError

    path = _variant(tmp_path, SCENARIOS / "jiangxi.yaml", {"demography": {"migration": {"net": {2030: -3_000_000}}}})
    with pytest.raises(InputError, match="net migration in 20[2-9][0-9] removes more") as err:
        population_dataset(simulator.load_scenario(path))
    assert err.value.key_path == "demography.migration.net"


# ---------------------------------------------------------------- plot


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_population_pyramid(jiangxi_ds, tmp_path, lang: str) -> None:
    from simulator.io.plots import population_pyramid

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a machine without CJK fonts warns for zh
        out = population_pyramid(jiangxi_ds, [2010, 2050], tmp_path / f"pyramid_{lang}.png", lang=lang)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000
    with pytest.raises(ValueError, match="not in the results"):
        population_pyramid(jiangxi_ds, [2009], tmp_path / "x.png")
