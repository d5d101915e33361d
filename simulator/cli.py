"""The ``sim`` command: parse arguments, call the library, print, exit. No model logic here."""

from __future__ import annotations

import contextlib
import json
import re
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

import simulator


def _is_usage_error(exc: BaseException) -> bool:
    return "UsageError" in [c.__name__ for c in type(exc).__mro__]


def _usage_exit(exc: BaseException) -> None:
    """A usage error (unknown option, bad choice, missing argument or command) as one line on
    stderr, exit 2."""
    ctx = getattr(exc, "ctx", None)
    where = ctx.command_path if ctx is not None else "sim"
    message = exc.format_message().replace("Value error, ", "")  # type: ignore[attr-defined]
    commands = getattr(getattr(ctx, "command", None), "commands", None)
    if message.startswith("Missing command") and commands:
        message = f"Missing command (expected one of: {', '.join(commands)})"
    message = re.sub(r"\s*\n\s*", " ", message)  # click lists choices on separate lines
    fail(f"{where}: {message} (see {where} --help)")


class OneLineErrors(TyperGroup):
    """The ``sim`` group: bad input gives one line on stderr and exit code 2, usage errors included."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except Exception as exc:
            if not _is_usage_error(exc):
                raise
            _usage_exit(exc)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except Exception as exc:
            if not _is_usage_error(exc):
                raise
            _usage_exit(exc)


app = typer.Typer(
    cls=OneLineErrors,
    name="sim",
    help="Project China's social-insurance funds for one region, year by year.",
    no_args_is_help=False,  # a bare `sim` is a usage error of one line, not a page of help
    add_completion=False,
    pretty_exceptions_enable=False,
)
calc = typer.Typer(help="Statutory calculators (retirement age, ...).", no_args_is_help=False)
app.add_typer(calc, name="calc")


def fail(message: str) -> None:
    """Print one line on stderr (control characters escaped, long input cut) and exit with code 2."""
    from simulator.errors import one_line

    typer.echo(one_line(str(message)), err=True)
    raise typer.Exit(2)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sim {simulator.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Project China's social-insurance funds for one region, year by year."""


def _load(path: Path):
    return _load_full(path)[0]


def _load_full(path: Path):
    """(scenario, origins of its keys, the fitted-value files merged into it); a bad file is one
    line and exit 2."""
    from simulator.errors import ScenarioError
    from simulator.scenario.load import load_with_origins

    try:
        return load_with_origins(path)
    except ScenarioError as exc:
        fail(str(exc))


def _project(loaded, origins, fitted):
    """Project a loaded scenario; a value the projection finds impossible (e.g. net out-migration
    that empties an age group) is one line naming its file, line and key, and exit 2."""
    from simulator.calibrate import calibration_summary
    from simulator.errors import InputError, ScenarioError
    from simulator.model.projection import project
    from simulator.scenario.extends import locate

    try:
        return project(loaded, calibration=calibration_summary(fitted))  # records the fitted values used
    except InputError as exc:
        file, line, key = locate(origins, tuple(exc.key_path.split(".")))
        fail(str(ScenarioError(file, line, key, exc.message)))


@contextlib.contextmanager
def _claimed(outdir: Path, force: bool, written_by: str):
    """Claim the output folder before the work starts (see simulator.io.outdir); a refusal or a
    file-system failure is one line and exit 2."""
    from simulator.io.outdir import OutputError, OutputFolder

    try:
        with OutputFolder(outdir, force, written_by) as folder:
            yield folder
    except OutputError as exc:
        fail(str(exc))


@app.command()
def validate(scenarios: Annotated[list[Path], typer.Argument(help="Scenario YAML files.")]) -> None:
    """Check scenario files; exit 0 when all are valid, 2 otherwise."""
    from simulator.errors import ScenarioError, printable

    bad = 0
    for path in scenarios:
        try:
            simulator.load_scenario(path)
            typer.echo(f"{printable(str(path))}: ok")
        except ScenarioError as exc:
            typer.echo(str(exc), err=True)
            bad += 1
    if bad:
        raise typer.Exit(2)


class Lang(str, Enum):
    auto = "auto"
    en = "en"
    zh = "zh"


class SummaryFormat(str, Enum):
    csv = "csv"
    parquet = "parquet"


class PlotKind(str, Enum):  # simulator.io.plots.KINDS (not imported here: `sim --help` stays fast)
    fund_gap = "fund_gap"
    enrolment = "enrolment"
    dependency = "dependency"
    pyramid = "pyramid"


LangOption = Annotated[
    Lang, typer.Option("--lang", help="Plot labels: zh needs a CJK font; auto = zh when one is installed, else en.")
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]
ForceFolderOption = Annotated[bool, typer.Option("--force", help="Replace an output folder that holds only sim's results.")]


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    outdir: Annotated[
        Path | None, typer.Option("-o", "--outdir", help="Output folder \\[default: results/NAME].")
    ] = None,
    force: ForceFolderOption = False,
    quiet: QuietOption = False,
    summary_format: Annotated[
        SummaryFormat, typer.Option("--format", help="Format of the summary table: summary.csv or summary.parquet.")
    ] = SummaryFormat.csv,
    plots: Annotated[
        bool | None,
        typer.Option(
            "--plots/--no-plots",
            help="Draw the main plots into OUTDIR/plots/ \\[default: --plots, but --no-plots with --quiet].",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = Lang.auto,
) -> None:
    """Project a scenario and write results.nc, the summary table and the plots."""
    from simulator.io.progress import progress
    from simulator.io.writers import fill_results, provenance_attrs

    if summary_format is SummaryFormat.parquet:
        _require("pyarrow", "--format parquet needs pyarrow (pip install pyarrow)")
    loaded, origins, fitted = _load_full(scenario)
    outdir = outdir or Path("results") / loaded.name
    draw = not quiet if plots is None else plots
    written: list[str] = ["results.nc", f"summary.{summary_format.value}"]

    def draw_plots(folder: Path) -> None:
        from simulator.io.plots import write_plots

        bar.advance("drawing plots")
        paths = write_plots(results, folder / "plots", lang.value)
        written.append(f"plots/ ({', '.join(p.name for p in paths)})")

    with _claimed(outdir, force, "sim run") as folder, progress(
        f"projecting {loaded.name}", total=3 if draw else 2, quiet=quiet
    ) as bar:
        results = _project(loaded, origins, fitted)
        results.attrs.update(provenance_attrs(loaded, scenario))
        bar.advance("writing results")
        folder.write(fill_results(results, summary_format.value, draw_plots if draw else None))
        bar.advance()
    if not quiet:
        from simulator.io.tables import print_headline

        print_headline(results)
        typer.echo(f"wrote {outdir}: {', '.join(written)}")
        typer.echo(f"next: sim report {outdir}   (an HTML report to open in a browser)")


@app.command()
def calibrate(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file with a calibration block.")],
    outdir: Annotated[
        Path | None, typer.Option("-o", "--outdir", help="Folder for calibration.csv \\[default: results/NAME-calibration].")
    ] = None,
    force: ForceFolderOption = False,
    quiet: QuietOption = False,
) -> None:
    """Fit the scenario's free parameters to its targets; store the fitted values beside the scenario."""
    from simulator.calibrate import run_calibration
    from simulator.calibrate.fit import MAX_ITERATIONS
    from simulator.errors import ScenarioError
    from simulator.io.progress import progress

    loaded = _load(scenario)
    if loaded.calibration is None:
        fail(f"{scenario}: no calibration block (expected calibration: parameters and targets, see docs/calibration.md)")
    outdir = outdir or Path("results") / f"{loaded.name}-calibration"
    total = (MAX_ITERATIONS + 1) * (len(loaded.calibration.parameters) + 1)
    with _claimed(outdir, force, "sim calibrate") as folder:
        with progress(f"calibrating {loaded.name}", total=total, quiet=quiet) as bar:
            try:
                table, fitted = run_calibration(scenario, progress=lambda _: bar.advance())
            except ScenarioError as exc:
                fail(str(exc))
            except ValueError as exc:
                fail(f"{scenario}: {exc}")
        folder.write(lambda tmp: table.to_csv(tmp / "calibration.csv", index=False))
    if not quiet:
        from simulator.io.tables import print_calibration

        print_calibration(table)
        typer.echo(f"wrote {fitted} (used by every run of {scenario.name}) and {outdir / 'calibration.csv'}")


@app.command()
def plot(
    results: Annotated[Path, typer.Argument(help="Results folder (of `sim run`) or its results.nc.")],
    kind: Annotated[PlotKind, typer.Option("--kind", "-k", help="What to draw.")],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Image file, .png, .svg or .pdf \\[default: SCENARIO_KIND.png here]."),
    ] = None,
    year: Annotated[
        list[int] | None,
        typer.Option("--year", help="Pyramid year; repeat for more panels \\[default: base year and 2050]."),
    ] = None,
    lang: LangOption = Lang.auto,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing image file.")] = False,
    quiet: QuietOption = False,
) -> None:
    """Draw one plot from a results folder."""
    from simulator.io.plots import draw
    from simulator.io.writers import OutputError, atomic_file

    ds = _read(results)
    output = output or Path(f"{ds.attrs['scenario']}_{kind.value}.png")
    if output.suffix.lower() not in (".png", ".svg", ".pdf"):
        fail(f"{output}: unknown image type {output.suffix!r} (expected .png, .svg or .pdf)")
    try:
        with atomic_file(output, force) as tmp:
            draw(kind.value, ds, tmp, lang.value, year)
    except (OutputError, ValueError) as exc:
        fail(f"{results}: {exc}" if isinstance(exc, ValueError) else str(exc))
    if not quiet:
        typer.echo(f"wrote {output}")


@app.command()
def compare(
    inputs: Annotated[
        list[Path],
        typer.Argument(help="Two or more scenario YAML files (run now) or results folders (read).", show_default=False),
    ],
    outdir: Annotated[
        Path | None, typer.Option("-o", "--outdir", help="Output folder \\[default: results/compare_A_vs_B].")
    ] = None,
    force: ForceFolderOption = False,
    lang: LangOption = Lang.auto,
    quiet: QuietOption = False,
) -> None:
    """Key indicators of scenarios side by side, and their fund gaps overlaid."""
    from simulator.io.compare import PLOT_FILE, TABLE_FILE, compare_fill, compare_table, rich_table, unique_labels
    from simulator.io.progress import track

    if len(inputs) < 2:
        fail("sim compare: give two or more scenario files or results folders")
    sources = [_load_full(p) if p.suffix.lower() in (".yaml", ".yml") else _read(p) for p in inputs]
    labels = unique_labels([s[0].name if isinstance(s, tuple) else str(s.attrs["scenario"]) for s in sources])
    outdir = outdir or Path("results") / ("compare_" + "_vs_".join(labels))
    with _claimed(outdir, force, "sim compare") as folder:
        datasets = {}
        for label, source in track(list(zip(labels, sources)), "running scenarios", quiet=quiet):
            datasets[label] = _project(*source) if isinstance(source, tuple) else source
        table = compare_table(datasets)
        folder.write(compare_fill(datasets, lang.value, table))
    if not quiet:
        from simulator.io.tables import console_for_tables

        console_for_tables().print(rich_table(table, f"{' vs '.join(labels)} (amounts in 亿元 = 100 million yuan)"))
        typer.echo(f"wrote {outdir}/{TABLE_FILE} and {outdir}/{PLOT_FILE}")


@app.command()
def report(
    results: Annotated[Path, typer.Argument(help="Results folder of `sim run` (or its results.nc).")],
    lang: LangOption = Lang.auto,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing report.html.")] = False,
    quiet: QuietOption = False,
) -> None:
    """Write a self-contained report.html (tables and plots, no network) into a results folder."""
    from simulator.io.report import write_report
    from simulator.io.writers import OutputError, ResultsError

    try:
        path = write_report(results, lang.value, force)
    except (ResultsError, OutputError) as exc:
        fail(str(exc))
    if not quiet:
        typer.echo(f"wrote {path}  (open in a browser: {path.resolve().as_uri()})")


def _read(path: Path):
    from simulator.io.writers import ResultsError, read_results

    try:
        return read_results(path)
    except ResultsError as exc:
        fail(str(exc))


def _require(module: str, message: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        fail(message)


class GroupName(str, Enum):
    M60 = "M60"
    F55 = "F55"
    F50 = "F50"


BORN_YEARS = (1900, 2100)
"""Birth years ``sim calc retirement`` accepts: people alive in the projection years."""


@calc.command("retirement")
def calc_retirement(
    group: Annotated[GroupName, typer.Option("--group", help="Retirement group.")],
    born: Annotated[str, typer.Option("--born", help="Birth month, YYYY-MM.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    scenario: Annotated[Path | None, typer.Option("--scenario", help="Use this scenario's schedule.")] = None,
) -> None:
    """Statutory retirement age, the month it is reached and the minimum contribution years."""
    from simulator.errors import echo
    from simulator.model.retirement import flexible_window, month_index, statutory_retirement, year_month

    match = re.fullmatch(r"(\d{4})-(\d{1,2})", born, flags=re.ASCII)
    first, last = BORN_YEARS
    if not match or not 1 <= int(match[2]) <= 12 or not first <= int(match[1]) <= last:
        fail(f"sim calc retirement: --born {echo(born)} (expected a birth month YYYY-MM from {first}-01 to {last}-12)")
    birth = int(month_index(int(match[1]), int(match[2])))
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
