"""The 2024 retirement-age reform read from data: published examples and properties."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from simulator.cli import app
from simulator.model.retirement import month_index, statutory_retirement
from simulator.scenario.load import load_retirement_policy

POLICY = load_retirement_policy()
OLD = {"M60": 60, "F55": 55, "F50": 50}
NEW = {"M60": 63, "F55": 58, "F50": 55}


def calc(group: str, born: str) -> dict:
    result = CliRunner().invoke(app, ["calc", "retirement", "--group", group, "--born", born, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_tianjin_worked_example() -> None:
    """Published by the Tianjin human-resources bureau: a man born 1965-08 retires 2025-10 at
    60 years 2 months. By hand: m = 1965-08 - 1965-01 = 7 months, delay = floor(7/4) + 1 = 2
    months, age = 720 + 2 = 722 months, 1965-08 + 722 months = 2025-10; retiring in 2025,
    before 2030, the minimum is 15 years."""
    assert calc("M60", "1965-08") == {
        "group": "M60",
        "born": "1965-08",
        "retirement_age_months": 722,
        "retirement_month": "2025-10",
        "min_contribution_years": 15.0,
    }


def test_text_output_names_age_month_and_minimum() -> None:
    result = CliRunner().invoke(app, ["calc", "retirement", "--group", "M60", "--born", "1965-08"])
    assert result.exit_code == 0
    assert "60 years 2 months" in result.stdout and "2025-10" in result.stdout and "15" in result.stdout


@pytest.mark.parametrize(
    ("group", "born", "age_months", "month", "min_years"),
    [
        # last cohort at the old age, first delayed cohort (+1 month), first cohort at the new age
        ("M60", "1964-12", 720, "2024-12", 15.0),
        ("M60", "1965-01", 721, "2025-02", 15.0),
        ("M60", "1976-09", 756, "2039-09", 20.0),
        ("F55", "1969-12", 660, "2024-12", 15.0),
        ("F55", "1970-01", 661, "2025-02", 15.0),
        ("F55", "1981-09", 696, "2039-09", 20.0),
        ("F50", "1974-12", 600, "2024-12", 15.0),
        ("F50", "1975-01", 601, "2025-02", 15.0),
        ("F50", "1984-11", 660, "2039-11", 20.0),
        # a cohort retiring in 2030 needs 15.5 years: man born 1969-09, m = 56, delay 15 months
        ("M60", "1969-09", 735, "2030-12", 15.5),
    ],
)
def test_group_landmarks(group, born, age_months, month, min_years) -> None:
    out = calc(group, born)
    assert (out["retirement_age_months"], out["retirement_month"], out["min_contribution_years"]) == (
        age_months,
        month,
        min_years,
    )


births = st.integers(min_value=int(month_index(1930)), max_value=int(month_index(2010)))


@pytest.mark.parametrize("group", ["M60", "F55", "F50"])
@given(birth=births, later=st.integers(min_value=0, max_value=240))
def test_age_bounds_and_monotone(group: str, birth: int, later: int) -> None:
    a, b = (statutory_retirement(POLICY, group, np.array([birth, birth + later]))["age_months"])
    assert 12 * OLD[group] <= a <= 12 * NEW[group]
    assert a <= b  # a later birth never retires at a younger age


@given(birth=st.lists(births, min_size=1, max_size=50))
def test_minimum_years_follow_retirement_year(birth: list[int]) -> None:
    out = statutory_retirement(POLICY, "M60", np.array(birth))
    year = out["month"] // 12
    expected = np.clip(15 + 0.5 * (year - 2029), 15, 20)
    np.testing.assert_array_equal(out["min_years"], expected)


def test_reform_off_keeps_old_ages() -> None:
    policy = POLICY.model_copy(update={"reform": False})
    out = statutory_retirement(policy, "F50", np.array([month_index(1990, 6)]))
    assert out["age_months"][0] == 600 and out["min_years"][0] == 15.0


@pytest.mark.parametrize("born", ["1965-13", "1965", "abc"])
def test_bad_birth_month_is_one_line_exit_2(born: str) -> None:
    result = CliRunner().invoke(app, ["calc", "retirement", "--group", "M60", "--born", born])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "YYYY-MM" in result.stderr


def test_golden_special_early_share_by_birth_cohort() -> None:
    """Special early retirement by birth cohort, knots {1960: 0.4, 1970: 0.0}: men born in 1965 get a share
    0.4 + (1965 - 1960) / 10 x (0 - 0.4) = 0.2 retiring at 55 (60 x 12 - 60 months), before the 2024 reform.
    Born January-December 1965, they are all 55 by December 2020 and none by December 2019: reached = 0.2 at
    the end of 2020 and 0 a year earlier; born 1955 (flat before the first knot) 0.4 by the end of 2010;
    born 1975 (flat after the last) none early. A constant share in knots equals the one share."""
    from simulator.model.retirement import cohort_retirement

    policy = load_retirement_policy()
    policy = policy.model_copy(update={"reform": False})
    knots = {1960: 0.4, 1970: 0.0}
    births, years = np.array([1955, 1965, 1975]), np.array([2009, 2010, 2019, 2020, 2029, 2030])
    reached, _ = cohort_retirement(policy, "M60", births, years, special_share=knots, special_months=60)
    assert reached[1, years == 2019][0] == 0.0 and reached[1, years == 2020][0] == pytest.approx(0.2, abs=1e-12)
    assert reached[0, years == 2009][0] == 0.0 and reached[0, years == 2010][0] == pytest.approx(0.4, abs=1e-12)
    assert reached[2, years == 2030][0] == 0.0
    flat, _ = cohort_retirement(policy, "M60", births, years, special_share={1950: 0.3, 1990: 0.3}, special_months=60)
    one, _ = cohort_retirement(policy, "M60", births, years, special_share=0.3, special_months=60)
    np.testing.assert_allclose(flat, one, rtol=0, atol=1e-15)
