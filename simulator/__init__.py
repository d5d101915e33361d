"""simulator: year-by-year projection of China's social-insurance funds for one region.

Python entry points (the ``sim`` command is a thin layer over these)::

    import simulator
    scenario = simulator.load_scenario("scenarios/jiangxi.yaml")
    results = simulator.run("scenarios/jiangxi.yaml")   # xarray.Dataset, what `sim run` writes
    fan = simulator.run("scenarios/jiangxi.yaml", draws=1000, seed=1)   # percentiles over 1,000 draws

Importing this package is cheap: numerics, numba and plotting load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.version import __version__

if TYPE_CHECKING:  # pragma: no cover
    import os

    import xarray

    from simulator.model.award import Award
    from simulator.scenario.schema import Scenario


def load_scenario(path: str | os.PathLike[str], fitted: bool = True) -> Scenario:
    """Read and validate a scenario YAML file (raises :class:`simulator.errors.ScenarioError`);
    ``fitted=False`` leaves out the values its own calibration fitted."""
    from simulator.scenario.load import load_scenario as _load

    return _load(path, fitted)


def run(
    scenario: Scenario | str | os.PathLike[str],
    draws: int | None = None,
    seed: int = 0,
    keep_draws: bool = False,
) -> xarray.Dataset | xarray.DataTree:
    """Project ``scenario`` (an object or a path) and return the results Dataset: the same variables,
    attributes and provenance that ``sim run`` writes to ``results.nc``. Given a path, the attributes
    name the file and the fitted values merged into it.

    ``draws=N``: a stochastic run of N draws of the scenario's ``uncertainty`` model (defaults shipped
    in the package) from ``seed``; every variable then has a ``quantile`` dim (2.5%, 10%, 50%, 90%,
    97.5%) and the depletion probabilities are added (docs/uncertainty.md). The same seed gives the
    same results. ``keep_draws=True`` returns an ``xarray.DataTree``: that summary at its root and every
    draw in its ``draws`` node."""
    if keep_draws and draws is None:
        raise ValueError("keep_draws needs draws (a stochastic run)")
    if hasattr(scenario, "policy"):
        loaded, source, fitted = scenario, None, []
    else:
        from simulator.scenario.load import load_with_origins

        loaded, _, fitted = load_with_origins(scenario)  # type: ignore[arg-type]
        source = scenario
    if draws is None:
        from simulator.model.projection import project

        return project(loaded, source=source, fitted=fitted)  # type: ignore[arg-type]
    from simulator.uncertainty.run import run as run_draws

    return run_draws(loaded, draws, seed, keep_draws, source=source, fitted=fitted)  # type: ignore[arg-type]


def calc_pension(
    province: str | None = None,
    *,
    city: str | None = None,
    sex: str | None = None,
    group: str | None = None,
    born: str | None = None,
    work_start: str | None = None,
    retired: str | None = None,
    years: float | None = None,
    deemed_years: float | None = None,
    pre_account_years: float | None = None,
    avg_index: float | None = None,
    transitional_index: float | None = None,
    account: float | None = None,
    history: str | os.PathLike[str] | None = None,
    divisor_months: float | None = None,
    base: float | None = None,
    base_province: float | None = None,
    local_wage: float | None = None,
    notional_account: float | None = None,
    wage: float | None = None,
    rules: str | os.PathLike[str] | None = None,
    scenario: str | os.PathLike[str] | None = None,
) -> Award:
    """One worker's first pension (yuan a month) by the statutory formula and ``province``'s rules
    (``simulator/data/policy/provinces``, or a rules file ``rules``); see ``docs/calculator.md``.

    Months are ``YYYY-MM``. Inputs left out come from the rules (retirement month, divisor, base,
    deemed years); ``history`` (a CSV of yearly bases) gives the account instead of ``account``;
    ``scenario`` takes the retirement schedule, divisors and crediting rates from a scenario file.
    Raises ``simulator.model.award.CalcError`` (bad input), ``simulator.scenario.province_rules.
    UnknownProvince`` (no rules for the province) or ``simulator.errors.ScenarioError`` (a bad file).
    ``award.as_dict()`` gives basic, account, transitional, extra, total (and replacement_rate with ``wage``)."""
    from simulator.model.award import CalcError, Worker, account_from_history, calc_award
    from simulator.model.retirement import parse_month
    from simulator.scenario.load import load_retirement_policy
    from simulator.scenario.province_rules import load_account_rules, load_employee_policy, load_province_rules

    if province is None and rules is None:
        raise CalcError("--province: the province whose rules apply is needed (or --rules FILE)")
    province_rules = load_province_rules(province, rules)
    if province is not None and rules is not None and province.strip().lower() != province_rules.id:
        raise CalcError(f"--province {province}: the rules file {rules} is for {province_rules.id}")
    policy = load_employee_policy(scenario)
    retirement = load_retirement_policy(scenario)
    worker = Worker(
        sex=sex, group=group, born=born, work_start=work_start, retired=retired, years=years,
        deemed_years=deemed_years, pre_account_years=pre_account_years, avg_index=avg_index,
        transitional_index=transitional_index, account=account, divisor_months=divisor_months, base=base,
        base_province=base_province, local_wage=local_wage, notional_account=notional_account, wage=wage, city=city,
    )  # fmt: skip
    notes: list[str] = []
    if history is not None:
        if account is not None:
            raise CalcError("--history: give the account balance (--account) or a contribution history, not both")
        from simulator.io.history import read_history

        rows = read_history(history)
        probe = calc_award(
            Worker(**{**worker.__dict__, "account": 0.0}), province_rules, policy.account_divisors, retirement
        )
        month = parse_month(probe.inputs["retired"])
        balance = account_from_history(
            rows.year, rows.base, rows.months, rows.share, rows.crediting, month,
            load_account_rules().account_share, policy.crediting_rate, notes,
        )  # fmt: skip
        worker = Worker(**{**worker.__dict__, "account": balance})
    award = calc_award(worker, province_rules, policy.account_divisors, retirement)
    award.notes.extend(notes)
    return award


__all__ = ["__version__", "calc_pension", "load_scenario", "run"]
