"""Estimate the default parameters of the stochastic model from published history.

Reads (all under ``simulator/data/uncertainty/``):

* ``history.csv`` - annual Chinese series, every row with its source and confidence;
  rows with ``use = 0`` are recorded but not used (the note says why);
* ``deposit_rate_schedule.csv`` - the one-year benchmark deposit rate with its effective dates;
* ``wpp2024_china_intervals.csv`` - UN WPP 2024 medians and 80%/95% bounds (TFR, e0 by sex).

Writes ``simulator/data/uncertainty/defaults.yaml`` and prints the estimates with standard errors.

Economic block (wage growth, inflation, fund return, unemployment rate), in fractions per year:

    x_t = trend_t + d_t,          trend: Hodrick-Prescott, lambda = 100 (annual data)
    d_t = phi_i d_{t-1} + sigma_i e_t,   corr(e_i, e_j) = R_ij,   e ~ N(0, 1)

The scenario supplies the central path, so only the deviations d_t from a slowly moving trend are
modelled. The fund return of the pooled funds is proxied by the day-weighted annual average of the
one-year benchmark deposit rate (see docs/uncertainty.md for why). phi is the OLS slope through
the origin with Kendall's small-sample correction phi + (1 + 3 phi) / n; a full VAR(1) is fitted on
the common sample and compared by BIC.

Long-run shifts (one per draw, held over the projection; docs/uncertainty.md section 5): the sd of
each is the standard error of the level of a straight-line trend fitted to the series over the span,
at the span's centre, with the residuals' first-order autocorrelation r1 taken into account:

    se = sd(residuals) sqrt((1 + r1) / (1 - r1) / n)

i.e. how precisely the history pins down the level of the path the scenario extends.

Demographic block: z_t = phi z_{t-1} + sigma e_t with z_2023 ~ N(0, s0^2) (jump-off uncertainty),
on TFR (level: TFR_t = median_t + z_t) and on e0 by sex (years). The three parameters are fitted by
least squares so that median +- q sd_h matches WPP's 80% and 95% bounds in every year 2024-2100,
where sd_h^2 = phi^(2h) s0^2 + sigma^2 (1 - phi^(2h)) / (1 - phi^2) and q = 1.2816 (80%), 1.9600 (95%).

Usage: python scripts/estimate_shocks.py [--check] [--end YEAR]
``--check`` recomputes and exits 1 if the committed defaults.yaml differs (nothing is written).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize, stats

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "simulator" / "data" / "uncertainty"
HISTORY = DATA / "history.csv"
SCHEDULE = DATA / "deposit_rate_schedule.csv"
WPP = DATA / "wpp2024_china_intervals.csv"
DEFAULTS = DATA / "defaults.yaml"

START, END = 1999, 2024  # first year after the 1998 break of the wage statistics; last published year
HP_LAMBDA = 100.0
Q80, Q95 = stats.norm.ppf(0.90), stats.norm.ppf(0.975)
WPP_JUMP_OFF = 2023  # last year of WPP estimates; projection horizons h = year - 2023

# model variable -> history.csv series (percent); deposit_rate_1y_avg rows are derived from SCHEDULE
ECONOMY = {
    "wage_growth": "wage_growth_nonprivate",
    "inflation": "cpi_inflation",
    "fund_return": "deposit_rate_1y_avg",
    "unemployment_rate": "unemployment_registered",
}
ALTERNATIVE_RETURNS = {
    "entrusted_pension_fund": ("entrusted_pension_fund_return", 2017),
    "nssf_reserve_fund": ("nssf_return", 2006),
}


# ------------------------------------------------------------------ data
def read_history(path: Path = HISTORY) -> pd.DataFrame:
    """history.csv as a frame; ``value`` in percent as published."""
    return pd.read_csv(path, dtype={"series": str, "year": int, "value": float, "use": int})


def series(history: pd.DataFrame, name: str, used_only: bool = True) -> pd.Series:
    """One series by year, as a fraction (percent / 100); unused rows dropped unless asked."""
    rows = history[(history.series == name) & ((history.use == 1) | (not used_only))]
    if rows.year.duplicated().any():
        raise ValueError(f"{name}: duplicate years {sorted(rows.year[rows.year.duplicated()])}")
    return rows.set_index("year")["value"].sort_index() / 100.0


def deposit_rate_annual_average(schedule: pd.DataFrame, years: range) -> pd.Series:
    """Day-weighted mean of the one-year benchmark deposit rate over each calendar year (percent).

    avg_y = sum_k rate_k * days_k / days_in_year, rate_k in force on days_k days of year y.
    """
    dates = pd.to_datetime(schedule.effective_date).dt.date.to_numpy()
    rates = schedule.rate_1y.to_numpy(float)
    out = {}
    for y in years:
        start, end = dt.date(y, 1, 1), dt.date(y + 1, 1, 1)
        if dates[0] > start:
            raise ValueError(f"deposit-rate schedule starts after {start}")
        total = 0.0
        for k, d0 in enumerate(dates):
            d1 = dates[k + 1] if k + 1 < len(dates) else end
            lo, hi = max(d0, start), min(d1, end)
            if hi > lo:
                total += rates[k] * (hi - lo).days
        out[y] = total / (end - start).days
    return pd.Series(out, name="deposit_rate_1y_avg")


# ------------------------------------------------------------------ trend and AR(1)
def hp_trend(x: pd.Series, lam: float = HP_LAMBDA, years: range | None = None) -> pd.Series:
    """Hodrick-Prescott trend on the years ``years``; missing years get weight 0.

    Minimises sum_t w_t (x_t - tau_t)^2 + lam sum_t (tau_{t+1} - 2 tau_t + tau_{t-1})^2,
    i.e. solves (W + lam D'D) tau = W x with D the second-difference matrix.
    """
    years = years or range(int(x.index.min()), int(x.index.max()) + 1)
    idx = np.array(list(years))
    obs = x.reindex(idx)
    w = obs.notna().to_numpy(float)
    n = len(idx)
    d = np.zeros((n - 2, n))
    for i in range(n - 2):
        d[i, i : i + 3] = [1.0, -2.0, 1.0]
    tau = np.linalg.solve(np.diag(w) + lam * d.T @ d, w * obs.fillna(0.0).to_numpy())
    return pd.Series(tau, index=idx)


@dataclass
class AR1Fit:
    """d_t = phi d_{t-1} + sigma e_t fitted by OLS through the origin on consecutive observed pairs."""

    phi_ols: float
    phi: float  # Kendall-corrected, clipped to [-0.95, 0.95]
    se_phi: float
    sigma: float
    se_sigma: float
    n_pairs: int
    residuals: pd.Series = field(repr=False)


def fit_ar1(dev: pd.Series) -> AR1Fit:
    """AR(1) of deviations: slope = sum d_t d_{t-1} / sum d_{t-1}^2 over years with both observed.

    se(phi) = sigma / sqrt(sum d_{t-1}^2); sigma^2 = RSS / (n - 1); se(sigma) = sigma / sqrt(2 (n - 1)).
    """
    dev = dev.dropna()
    prev = dev.reindex(dev.index - 1)
    ok = prev.notna().to_numpy()
    y, x = dev.to_numpy()[ok], prev.to_numpy()[ok]
    n = int(ok.sum())
    if n < 4:
        raise ValueError(f"only {n} consecutive pairs: too few for an AR(1)")
    phi_ols = float(x @ y / (x @ x))
    resid = y - phi_ols * x
    sigma = float(np.sqrt(resid @ resid / (n - 1)))
    phi = float(np.clip(phi_ols + (1.0 + 3.0 * phi_ols) / n, -0.95, 0.95))
    return AR1Fit(
        phi_ols=phi_ols,
        phi=phi,
        se_phi=float(sigma / np.sqrt(x @ x)),
        sigma=sigma,
        se_sigma=float(sigma / np.sqrt(2 * (n - 1))),
        n_pairs=n,
        residuals=pd.Series(resid, index=dev.index[ok]),
    )


def nearest_correlation(c: np.ndarray) -> np.ndarray:
    """Clip negative eigenvalues and rescale to a unit diagonal (a pairwise matrix may not be PSD)."""
    w, v = np.linalg.eigh((c + c.T) / 2)
    if w.min() >= 0:
        return (c + c.T) / 2
    a = v @ np.diag(np.clip(w, 1e-10, None)) @ v.T
    s = np.sqrt(np.diag(a))
    return a / np.outer(s, s)


def pairwise_correlation(resid: dict[str, pd.Series]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Correlations of residuals on the years both exist; se = (1 - r^2) / sqrt(n - 3) (Fisher)."""
    names = list(resid)
    k = len(names)
    r, se, n = np.eye(k), np.zeros((k, k)), np.zeros((k, k), int)
    for i in range(k):
        for j in range(k):
            a, b = resid[names[i]].align(resid[names[j]], join="inner")
            n[i, j] = len(a)
            if i != j:
                r[i, j] = float(np.corrcoef(a, b)[0, 1])
                se[i, j] = (1 - r[i, j] ** 2) / np.sqrt(max(len(a) - 3, 1))
    return nearest_correlation(r), se, n


def var1_bic(dev: pd.DataFrame) -> dict[str, float]:
    """BIC of the diagonal AR(1) system and of a full VAR(1) (no constant) on the complete years.

    BIC = T log det(Sigma_hat) + p log T, p = slope coefficients (k or k^2) + k(k+1)/2.
    """
    full = dev.dropna()
    lagged = full.reindex(full.index - 1)
    ok = lagged.notna().all(axis=1).to_numpy()
    y, x = full.to_numpy()[ok], lagged.to_numpy()[ok]
    t, k = y.shape
    a_full = np.linalg.lstsq(x, y, rcond=None)[0]
    a_diag = np.diag([x[:, i] @ y[:, i] / (x[:, i] @ x[:, i]) for i in range(k)])
    out = {"years": t}
    for name, a, p in (("diagonal_ar1", a_diag, k), ("var1", a_full, k * k)):
        e = y - x @ a
        s = e.T @ e / t
        out[name] = float(t * np.log(np.linalg.det(s)) + (p + k * (k + 1) / 2) * np.log(t))
    out["var1_max_abs_eigenvalue"] = float(np.abs(np.linalg.eigvals(a_full.T)).max())
    return out


@dataclass
class LevelFit:
    """Straight-line trend of a series: the standard error of its level at the span's centre."""

    se: float
    resid_sd: float
    r1: float
    n: int
    mean: float


def trend_level_se(x: pd.Series) -> LevelFit:
    """Fit x_t = a + b t by OLS on the observed years; se of a + b t_mid with AR(1) residuals:
    resid sd (ddof 2) x sqrt((1 + r1) / (1 - r1) / n), r1 the lag-1 correlation of the residuals on
    consecutive years (clipped to +-0.95)."""
    x = x.dropna()
    n = len(x)
    if n < 5:
        raise ValueError(f"only {n} years: too few for a trend level")
    t = x.index.to_numpy(float)
    slope, intercept = np.polyfit(t, x.to_numpy(), 1)
    resid = pd.Series(x.to_numpy() - (intercept + slope * t), index=x.index)
    prev = resid.reindex(resid.index - 1)
    ok = prev.notna().to_numpy()
    r1 = float(np.clip(np.corrcoef(resid.to_numpy()[ok], prev.to_numpy()[ok])[0, 1], -0.95, 0.95))
    sd = float(resid.std(ddof=2))
    return LevelFit(se=sd * float(np.sqrt((1 + r1) / (1 - r1) / n)), resid_sd=sd, r1=r1, n=n, mean=float(x.mean()))


@dataclass
class EconomyFit:
    names: list[str]
    fits: dict[str, AR1Fit]
    correlation: np.ndarray
    corr_se: np.ndarray
    corr_n: np.ndarray
    deviations: pd.DataFrame
    bic: dict[str, float]
    span: tuple[int, int]
    lam: float
    levels: dict[str, LevelFit] = field(default_factory=dict)


def economy_data(history: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """The four economic series (fractions) on start..end, NaN where not published or not used."""
    years = list(range(start, end + 1))
    return pd.DataFrame({name: series(history, hist).reindex(years) for name, hist in ECONOMY.items()}, index=years)


def fit_economy(history: pd.DataFrame, start: int = START, end: int = END, lam: float = HP_LAMBDA) -> EconomyFit:
    """Correlated AR(1) of HP deviations of the four economic series over start..end."""
    data = economy_data(history, start, end)
    dev = pd.DataFrame({c: data[c] - hp_trend(data[c], lam, range(start, end + 1)) for c in data}).where(data.notna())
    fits = {c: fit_ar1(dev[c]) for c in dev}
    corr, se, n = pairwise_correlation({c: f.residuals for c, f in fits.items()})
    levels = {c: trend_level_se(data[c]) for c in data}
    return EconomyFit(list(dev), fits, corr, se, n, dev, var1_bic(dev), (start, end), lam, levels)


def alternative_returns(history: pd.DataFrame) -> dict[str, dict]:
    """Alternative fund-return series: mean, sd of deviations from the mean and AR(1) where possible."""
    out = {}
    for key, (name, first) in ALTERNATIVE_RETURNS.items():
        x = series(history, name, used_only=False)
        x = x[x.index >= first]
        dev = x - x.mean()
        item = {"mean": float(x.mean()), "sd": float(dev.std(ddof=1)), "n": int(len(x)),
                "span": f"{int(x.index.min())}-{int(x.index.max())}", "missing": sorted(
                    set(range(int(x.index.min()), int(x.index.max()) + 1)) - set(int(i) for i in x.index))}
        try:
            f = fit_ar1(dev)
            item.update(phi_ols=f.phi_ols, se_phi=f.se_phi, n_pairs=f.n_pairs)
        except ValueError:
            item.update(phi_ols=None, se_phi=None, n_pairs=0)
        out[key] = item
    return out


# ------------------------------------------------------------------ WPP interval fit
def wpp_table(indicator: str, path: Path = WPP) -> pd.DataFrame:
    d = pd.read_csv(path)
    d = d[d.indicator == indicator].set_index("year").sort_index()
    if d.empty:
        raise ValueError(f"{path}: no rows for {indicator}")
    return d


def ar1_sd(phi: float, sigma: float, s0: float, h: np.ndarray) -> np.ndarray:
    """sd of z_h: sqrt(phi^(2h) s0^2 + sigma^2 sum_{i<h} phi^(2i)), h = 1, 2, ... years after jump-off."""
    p2 = phi * phi
    geo = h.astype(float) if abs(1 - p2) < 1e-12 else (1 - p2**h) / (1 - p2)
    return np.sqrt(p2**h * s0 * s0 + sigma * sigma * geo)


@dataclass
class IntervalFit:
    indicator: str
    phi: float
    sigma: float
    s0: float
    se: np.ndarray  # of (phi, sigma, s0), from the least-squares Jacobian
    rmse: float
    table: pd.DataFrame = field(repr=False)


def fit_wpp_intervals(indicator: str, path: Path = WPP) -> IntervalFit:
    """Least-squares fit of (phi, sigma, s0) to WPP's 80%/95% bounds in level units, all years.

    residual = (median +- q sd_h) - WPP bound, for the four bounds and every year 2024..2100.
    """
    d = wpp_table(indicator, path)
    h = (d.index.to_numpy() - WPP_JUMP_OFF).astype(float)
    med = d["median"].to_numpy()
    bounds = {"lower80": -Q80, "upper80": Q80, "lower95": -Q95, "upper95": Q95}

    def resid(p: np.ndarray) -> np.ndarray:
        sd = ar1_sd(p[0], p[1], p[2], h)
        return np.concatenate([med + q * sd - d[b].to_numpy() for b, q in bounds.items()])

    scale = float((d["upper95"] - d["lower95"]).iloc[0])
    res = optimize.least_squares(resid, x0=[0.9, scale / 8, scale / 4], bounds=([0.0, 0.0, 0.0], [0.9999, np.inf, np.inf]))
    dof = max(len(res.fun) - 3, 1)
    s2 = float(res.fun @ res.fun) / dof
    try:
        cov = np.linalg.inv(res.jac.T @ res.jac) * s2
        se = np.sqrt(np.clip(np.diag(cov), 0, None))
    except np.linalg.LinAlgError:
        se = np.full(3, np.nan)
    phi, sigma, s0 = (float(v) for v in res.x)
    sd = ar1_sd(phi, sigma, s0, h)
    table = pd.DataFrame({
        "median": med,
        "wpp_width80": (d["upper80"] - d["lower80"]).to_numpy(),
        "model_width80": 2 * Q80 * sd,
        "wpp_width95": (d["upper95"] - d["lower95"]).to_numpy(),
        "model_width95": 2 * Q95 * sd,
    }, index=d.index)
    return IntervalFit(indicator, phi, sigma, s0, se, float(np.sqrt(s2)), table)


# ------------------------------------------------------------------ output
def fmt(x: float, nd: int = 4) -> str:
    return f"{x:.{nd}f}"


def defaults_yaml(eco: EconomyFit, alt: dict[str, dict], demo: dict[str, IntervalFit], sex_corr: float) -> str:
    """defaults.yaml text (hand-written so that every parameter keeps its comment)."""
    s, e = eco.span
    L = [
        "# Default parameters of the stochastic model.",
        "# GENERATED by scripts/estimate_shocks.py from history.csv, deposit_rate_schedule.csv and",
        "# wpp2024_china_intervals.csv in this folder; do not edit by hand (the test suite re-runs the script).",
        "# Method, sources and caveats: docs/uncertainty.md.",
        "",
        "economy:",
        "  # Correlated AR(1) of deviations from the scenario's central path, in fractions per year:",
        "  #   d_t = persistence * d_(t-1) + innovation_sd * e_t,  e_t ~ N(0, correlation), d before the first",
        "  #   projected year = 0. A draw adds d_t to the scenario's value of the same year.",
        f"  # Estimated on {s}-{e} (annual; years after 2020 included: shocks, not level calibration), deviations",
        f"  # from a Hodrick-Prescott trend (lambda = {eco.lam:g}); persistence = OLS slope with Kendall's",
        "  # small-sample correction; a full VAR(1) was rejected by BIC (see docs).",
        "  model: correlated_ar1",
        f"  estimation_span: [{s}, {e}]",
        f"  detrending: hodrick_prescott_lambda_{eco.lam:g}",
        "  variables:",
    ]
    notes = {
        "wage_growth": "nominal average wage growth, urban non-private units (NBS)",
        "inflation": "CPI inflation (NBS; World Bank 2012-2015)",
        "fund_return": "pooled funds' return; proxy: 1-year benchmark deposit rate, day-weighted annual mean (PBoC)",
        "unemployment_rate": "urban registered unemployment rate, year end (MOHRSS; weak aggregator source, see history.csv)",
    }
    for c in eco.names:
        f = eco.fits[c]
        L += [
            f"    {c}:  # {notes[c]}",
            f"      persistence: {fmt(f.phi)}  # OLS {fmt(f.phi_ols)} (se {fmt(f.se_phi)}), {f.n_pairs} year pairs",
            f"      innovation_sd: {fmt(f.sigma, 5)}  # se {fmt(f.se_sigma, 5)}",
        ]
        if c == "unemployment_rate":
            lv = eco.levels[c]
            L.append(f"      level: {fmt(lv.mean)}  # mean of the {lv.n} years used: a shock z scales claims by (level + z) / level")
    L.append("  # Innovation correlations, pairwise over the years both residuals exist; order as in variables.")
    L.append("  correlation:")
    for i, c in enumerate(eco.names):
        row = ", ".join(fmt(v, 3) for v in eco.correlation[i])
        ses = ", ".join(fmt(v, 2) for v in eco.corr_se[i])
        L.append(f"    - [{row}]  # {c}; se [{ses}]")
    L += [
        "",
        "long_run:",
        "  # One shift per draw of the long-run level of each economic path, N(0, sd^2), correlated like the",
        "  # innovations, added to every year from the first shocked year on (docs/uncertainty.md, section 5).",
        "  # sd = standard error of the level of a straight-line trend over the span, at its centre, with",
        "  # AR(1)-correlated residuals: sd(resid) sqrt((1 + r1) / (1 - r1) / n).",
    ]
    for c in eco.names:
        lv = eco.levels[c]
        L.append(f"  {c}: {fmt(lv.se)}  # resid sd {fmt(lv.resid_sd)}, r1 {lv.r1:.2f}, {lv.n} years")
    L += [
        "",
        "fund_return_alternatives:",
        "  # Not the default: returns of invested funds, for users whose balances are entrusted. i.i.d. around",
        "  # their mean unless a persistence is given; correlation with the economy not estimated (too few years).",
    ]
    for key, a in alt.items():
        L += [
            f"  {key}:",
            f"    mean: {fmt(a['mean'])}  # {a['span']}, {a['n']} years" + (f", missing {a['missing']}" if a["missing"] else ""),
            f"    innovation_sd: {fmt(a['sd'])}  # sd of the annual returns",
            "    persistence: 0.0  # " + (f"OLS {fmt(a['phi_ols'])} (se {fmt(a['se_phi'])}, {a['n_pairs']} pairs): not distinguishable from 0"
                                         if a["phi_ols"] is not None else "too few consecutive years to estimate"),
        ]
    L += [
        "",
        "demography:",
        "  # AR(1) deviations from the WPP 2024 median path, started in 2023 (last WPP estimate):",
        "  #   z_2023 ~ N(0, initial_sd^2), z_t = persistence * z_(t-1) + innovation_sd * e_t.",
        "  # Fitted by least squares to WPP's 80% and 95% bounds in every year 2024-2100 (docs: fit table).",
        f"  jump_off_year: {WPP_JUMP_OFF}  # z of this year has sd initial_sd; the first drawn year is the next",
    ]
    units = {"tfr": "children per woman, added to the TFR path", "e0_male": "years of life expectancy at birth",
             "e0_female": "years of life expectancy at birth"}
    for key, f in demo.items():
        L += [
            f"  {key}:  # {units[key]}",
            f"    persistence: {fmt(f.phi)}  # se {fmt(f.se[0])}",
            f"    innovation_sd: {fmt(f.sigma)}  # se {fmt(f.se[1])}",
            f"    initial_sd: {fmt(f.s0)}  # se {fmt(f.se[2])}; bound RMSE {fmt(f.rmse, 3)}",
        ]
    L += [
        f"  e0_sex_correlation: {sex_corr:.1f}  # ASSUMPTION: WPP publishes no joint distribution; male and female",
        "  # e0 move together (one mortality shock scaled per sex).",
        "  tfr_e0_correlation: 0.0  # ASSUMPTION: WPP projects fertility and mortality independently.",
        "",
    ]
    return "\n".join(L)


def report(eco: EconomyFit, alt: dict[str, dict], demo: dict[str, IntervalFit], sens: dict[str, EconomyFit]) -> str:
    """Plain-text tables of the estimates with standard errors, the sensitivity runs and the WPP fit."""
    out = [f"Economy: correlated AR(1) of HP(lambda={eco.lam:g}) deviations, {eco.span[0]}-{eco.span[1]} (fractions)",
           f"{'variable':<18}{'phi':>8}{'(se)':>9}{'phi_ols':>9}{'sigma':>10}{'(se)':>10}{'pairs':>7}"]
    for c in eco.names:
        f = eco.fits[c]
        out.append(f"{c:<18}{f.phi:>8.3f}{f.se_phi:>9.3f}{f.phi_ols:>9.3f}{f.sigma:>10.5f}{f.se_sigma:>10.5f}{f.n_pairs:>7d}")
    out.append("innovation correlation (se) [n]:")
    for i, c in enumerate(eco.names):
        out.append(f"  {c:<18}" + "".join(f"{eco.correlation[i, j]:>7.2f} ({eco.corr_se[i, j]:.2f}) [{eco.corr_n[i, j]:>2d}]"
                                          for j in range(len(eco.names))))
    b = eco.bic
    out.append(f"BIC on {b['years']} complete years: diagonal AR(1) {b['diagonal_ar1']:.1f}, full VAR(1) {b['var1']:.1f} "
               f"(lower is better); VAR(1) largest |eigenvalue| {b['var1_max_abs_eigenvalue']:.2f}")
    out.append("long-run level se (straight-line trend, AR(1) residuals):")
    for c in eco.names:
        lv = eco.levels[c]
        out.append(f"  {c:<18} se {lv.se:.4f}  resid sd {lv.resid_sd:.4f}  r1 {lv.r1:.2f}  n {lv.n}  mean {lv.mean:.4f}")
    out.append("sensitivity (phi / sigma):")
    for label, f in sens.items():
        out.append(f"  {label:<22}" + "  ".join(f"{c}: {f.fits[c].phi:.2f}/{f.fits[c].sigma:.4f}" for c in f.names))
    out.append("Alternative fund returns (fractions):")
    for k, a in alt.items():
        phi = "n/a" if a["phi_ols"] is None else f"{a['phi_ols']:.2f} (se {a['se_phi']:.2f})"
        out.append(f"  {k:<24} mean {a['mean']:.4f} sd {a['sd']:.4f} n {a['n']} span {a['span']} phi_ols {phi}")
    out.append("Demography: AR(1) fitted to WPP 2024 bounds (phi, sigma, initial sd; se)")
    for k, f in demo.items():
        out.append(f"  {k:<10} phi {f.phi:.4f} ({f.se[0]:.4f})  sigma {f.sigma:.4f} ({f.se[1]:.4f})  "
                   f"s0 {f.s0:.4f} ({f.se[2]:.4f})  bound RMSE {f.rmse:.4f}")
        t = f.table.loc[[2024, 2030, 2040, 2050, 2075, 2100]]
        out.append(f"    {'year':>6}{'WPP 80%':>10}{'model':>9}{'WPP 95%':>10}{'model':>9}")
        for y, r in t.iterrows():
            out.append(f"    {y:>6}{r.wpp_width80:>10.3f}{r.model_width80:>9.3f}{r.wpp_width95:>10.3f}{r.model_width95:>9.3f}")
    return "\n".join(out)


def estimate(end: int = END) -> tuple[str, str]:
    """(defaults.yaml text, printed report) from the files in simulator/data/uncertainty/."""
    history = read_history()
    eco = fit_economy(history, START, end)
    sens = {
        "HP lambda 6.25": fit_economy(history, START, end, lam=6.25),
        "HP lambda 1600": fit_economy(history, START, end, lam=1600.0),
    }
    if end > 2020:
        sens["span to 2020"] = fit_economy(history, START, 2020)
    alt = alternative_returns(history)
    demo = {k: fit_wpp_intervals(k) for k in ("tfr", "e0_male", "e0_female")}
    return defaults_yaml(eco, alt, demo, sex_corr=1.0), report(eco, alt, demo, sens)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the committed defaults.yaml is out of date")
    ap.add_argument("--end", type=int, default=END, help="last year of the economic estimation span")
    args = ap.parse_args(argv)
    text, table = estimate(args.end)
    print(table)
    if args.check:
        same = DEFAULTS.read_text(encoding="utf-8") == text
        print(f"\n{DEFAULTS.relative_to(ROOT)} is {'up to date' if same else 'OUT OF DATE: re-run the script'}")
        return 0 if same else 1
    tmp = DEFAULTS.with_suffix(".yaml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(DEFAULTS)
    print(f"\nwrote {DEFAULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
