"""The ``sim`` command: parse arguments, call the library, print, exit. No model logic here."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

import simulator

app = typer.Typer(
    name="sim",
    help="Project China's social-insurance funds for one region, year by year.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
calc = typer.Typer(help="Statutory calculators (retirement age, ...).", no_args_is_help=True)
app.add_typer(calc, name="calc")


def fail(message: str) -> None:
    """Print one line on stderr and exit with code 2 (bad input)."""
    typer.echo(message, err=True)
    raise typer.Exit(2)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sim {simulator.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")] = False,
) -> None:
    """Project China's social-insurance funds for one region, year by year."""


def _load(path: Path):
    from simulator.errors import ScenarioError

    try:
        return simulator.load_scenario(path)
    except ScenarioError as exc:
        fail(str(exc))


@app.command()
def validate(scenarios: Annotated[list[Path], typer.Argument(help="Scenario YAML files.")]) -> None:
    """Check scenario files; exit 0 when all are valid, 2 otherwise."""
    from simulator.errors import ScenarioError

    bad = 0
    for path in scenarios:
        try:
            simulator.load_scenario(path)
            typer.echo(f"{path}: ok")
        except ScenarioError as exc:
            typer.echo(str(exc), err=True)
            bad += 1
    if bad:
        raise typer.Exit(2)


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    outdir: Annotated[Path | None, typer.Option("-o", "--outdir", help="Output folder [default: results/NAME].")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace a non-empty output folder.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
) -> None:
    """Project a scenario and write results.nc and summary.csv."""
    from simulator.io.writers import OutputExists, write_results

    loaded = _load(scenario)
    outdir = outdir or Path("results") / loaded.name
    if outdir.is_dir() and any(outdir.iterdir()) and not force:
        fail(f"{outdir}: output folder is not empty (use --force to replace it)")
    results = simulator.run(loaded)
    try:
        write_results(results, outdir, force=force)
    except OutputExists as exc:
        fail(str(exc))
    if not quiet:
        from simulator.io.tables import print_headline

        print_headline(results)
        typer.echo(f"wrote {outdir}/results.nc and {outdir}/summary.csv")


class GroupName(str, Enum):
    M60 = "M60"
    F55 = "F55"
    F50 = "F50"


@calc.command("retirement")
def calc_retirement(
    group: Annotated[GroupName, typer.Option("--group", help="Retirement group.")],
    born: Annotated[str, typer.Option("--born", help="Birth month, YYYY-MM.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    scenario: Annotated[Path | None, typer.Option("--scenario", help="Use this scenario's schedule.")] = None,
) -> None:
    """Statutory retirement age, the month it is reached and the minimum contribution years."""
    from simulator.model.retirement import flexible_window, parse_month, statutory_retirement, year_month

    try:
        birth = parse_month(born)
    except ValueError as exc:
        fail(f"--born: {exc}")
    policy = _retirement_policy(scenario)
    result = statutory_retirement(policy, group.value, birth)
    age, month, min_years = int(result["age_months"]), int(result["month"]), float(result["min_years"])
    year, mon = (int(x) for x in year_month(month))
    early, late = (int(x) for x in flexible_window(policy, group.value, birth))
    if as_json:
        record = {
            "group": group.value,
            "born": f"{birth // 12:04d}-{birth % 12 + 1:02d}",
            "retirement_age_months": age,
            "retirement_month": f"{year:04d}-{mon:02d}",
            "min_contribution_years": min_years,
        }
        typer.echo(json.dumps(record))
        return
    typer.echo(f"group {group.value}, born {born}")
    typer.echo(f"statutory retirement age: {_years_months(age)}")
    typer.echo(f"reached in: {year:04d}-{mon:02d}")
    typer.echo(f"minimum contribution years: {min_years:g}")
    typer.echo(f"flexible window: {_years_months(early)} to {_years_months(late)}")


def _years_months(months: int) -> str:
    y, m = divmod(months, 12)
    return f"{y} years {m} months" if m else f"{y} years"


def _retirement_policy(path: Path | None):
    from simulator.errors import ScenarioError
    from simulator.scenario.load import load_retirement_policy

    try:
        return load_retirement_policy(path)
    except ScenarioError as exc:
        fail(str(exc))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
