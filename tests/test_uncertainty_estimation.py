"""scripts/estimate_shocks.py: its data files, its pieces on hand-computed cases, and that the
shipped defaults.yaml is exactly what the script writes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.uncertainty_support import es


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    return es.read_history()


def test_every_history_row_has_a_source_and_a_confidence(history: pd.DataFrame) -> None:
    assert history.source.str.strip().str.len().gt(10).all()
    assert set(history.confidence) <= {"H", "M", "L"}
    assert set(history.use) <= {0, 1}
    assert not history.duplicated(["series", "year"]).any()
    assert history.value.notna().all()


def test_every_model_series_covers_the_estimation_span(history: pd.DataFrame) -> None:
    for name in es.ECONOMY.values():
        used = history[(history.series == name) & (history.use == 1)]
        assert used.year.min() == es.START and used.year.max() <= es.END, name
        assert len(used) >= 15, name


def test_deposit_rate_rows_are_the_day_weighted_schedule(history: pd.DataFrame) -> None:
    rows = history[history.series == "deposit_rate_1y_avg"].set_index("year")["value"]
    again = es.deposit_rate_annual_average(pd.read_csv(es.SCHEDULE), range(int(rows.index.min()), int(rows.index.max()) + 1))
    np.testing.assert_allclose(rows.to_numpy(), again.to_numpy(), atol=5e-5)


def test_deposit_rate_2015_by_hand() -> None:
    """2015: 2.75% for 59 days (Jan 1 - Feb 28), 2.50% 71 (Mar 1 - May 10), 2.25% 48 (May 11 - Jun 27),
    2.00% 59 (Jun 28 - Aug 25), 1.75% 59 (Aug 26 - Oct 23), 1.50% 69 (Oct 24 - Dec 31); 365 days.
    (162.25 + 177.5 + 108 + 118 + 103.25 + 103.5) / 365 = 772.5 / 365 = 2.116438..."""
    avg = es.deposit_rate_annual_average(pd.read_csv(es.SCHEDULE), range(2015, 2017))
    assert avg[2015] == pytest.approx(772.5 / 365, abs=1e-12)
    assert avg[2016] == pytest.approx(1.5, abs=1e-12)


def test_schedule_must_start_before_the_first_year() -> None:
    sched = pd.DataFrame({"effective_date": ["2000-03-01"], "rate_1y": [2.0]})
    with pytest.raises(ValueError, match="starts after"):
        es.deposit_rate_annual_average(sched, range(2000, 2001))


@given(a=st.floats(-5, 5), b=st.floats(-1, 1), lam=st.floats(0.1, 1e4))
def test_hp_trend_of_a_straight_line_is_the_line(a: float, b: float, lam: float) -> None:
    years = range(2000, 2020)
    x = pd.Series([a + b * (y - 2000) for y in years], index=list(years))
    np.testing.assert_allclose(es.hp_trend(x, lam).to_numpy(), x.to_numpy(), atol=1e-7)


def test_hp_trend_skips_missing_years() -> None:
    """A gap gets weight 0: the trend of a line with one year missing is still the whole line."""
    years = list(range(2000, 2012))
    x = pd.Series([0.5 * (y - 2000) for y in years], index=years).drop(2005)
    tau = es.hp_trend(x, 100.0, range(2000, 2012))
    assert tau[2005] == pytest.approx(2.5, abs=1e-8)


def test_ar1_by_hand() -> None:
    """d = 1, 0.6, 0.2, 0.4, 0.1: pairs (1, .6), (.6, .2), (.2, .4), (.4, .1).
    phi = (.6 + .12 + .08 + .04) / (1 + .36 + .04 + .16) = 0.84 / 1.56 = 0.538462;
    residuals .6 - phi, .2 - .6 phi, .4 - .2 phi, .1 - .4 phi; sigma^2 = RSS / 3;
    Kendall: phi + (1 + 3 phi) / 4."""
    d = pd.Series([1.0, 0.6, 0.2, 0.4, 0.1], index=range(2000, 2005))
    f = es.fit_ar1(d)
    phi = 0.84 / 1.56
    res = np.array([0.6 - phi, 0.2 - 0.6 * phi, 0.4 - 0.2 * phi, 0.1 - 0.4 * phi])
    assert f.phi_ols == pytest.approx(phi)
    assert f.sigma == pytest.approx(np.sqrt(res @ res / 3))
    assert f.phi == pytest.approx(min(phi + (1 + 3 * phi) / 4, 0.95))
    assert f.n_pairs == 4
    assert f.se_phi == pytest.approx(f.sigma / np.sqrt(1.56))


def test_ar1_uses_only_consecutive_years() -> None:
    d = pd.Series([1.0, 0.5, 0.25, 0.125, 9.0, 4.5], index=[2000, 2001, 2002, 2003, 2010, 2011])
    f = es.fit_ar1(d)
    assert f.n_pairs == 4 and f.phi_ols == pytest.approx(0.5) and f.sigma == pytest.approx(0.0, abs=1e-12)


def test_ar1_refuses_too_few_pairs() -> None:
    with pytest.raises(ValueError, match="too few"):
        es.fit_ar1(pd.Series([1.0, 0.5, 0.2], index=[2000, 2001, 2002]))


def test_nearest_correlation_repairs_an_indefinite_matrix() -> None:
    bad = np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]])
    fixed = es.nearest_correlation(bad)
    assert np.linalg.eigvalsh(fixed).min() >= 0
    np.testing.assert_allclose(np.diag(fixed), 1.0)


def test_interval_fit_recovers_known_parameters(tmp_path) -> None:
    """Bounds made from phi 0.97, sigma 0.05, s0 0.1 around a rising median are fitted back."""
    years = np.arange(2024, 2101)
    h = years - es.WPP_JUMP_OFF
    sd = es.ar1_sd(0.97, 0.05, 0.1, h.astype(float))
    med = 1.0 + 0.003 * h
    frame = pd.DataFrame({"indicator": "tfr", "year": years, "median": med,
                          "lower80": med - es.Q80 * sd, "upper80": med + es.Q80 * sd,
                          "lower95": med - es.Q95 * sd, "upper95": med + es.Q95 * sd})
    path = tmp_path / "wpp.csv"
    frame.to_csv(path, index=False)
    f = es.fit_wpp_intervals("tfr", path)
    assert (f.phi, f.sigma, f.s0) == pytest.approx((0.97, 0.05, 0.1), rel=1e-5)
    assert f.rmse == pytest.approx(0.0, abs=1e-8)


def test_ar1_sd_random_walk_limit() -> None:
    """phi = 1: sd_h^2 = s0^2 + h sigma^2."""
    h = np.array([1.0, 4.0, 9.0])
    np.testing.assert_allclose(es.ar1_sd(1.0, 0.5, 1.0, h), np.sqrt(1 + 0.25 * h))


def test_shipped_defaults_are_what_the_script_writes() -> None:
    text, report = es.estimate()
    assert es.DEFAULTS.read_text(encoding="utf-8") == text, "re-run: python scripts/estimate_shocks.py"
    assert "BIC" in report and "WPP 95%" in report


def test_check_flag_reports_up_to_date(capsys) -> None:
    assert es.main(["--check"]) == 0
    assert "up to date" in capsys.readouterr().out
