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
    """The ``sim`` group: bad input gives one line on stderr and exit code 2, usage errors included; help
    shows values as a user types them (FILE, N, auto|en|zh), never a Python type."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _plain_metavars(self)

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except Exception as exc:
            if not _is_usage_error(exc):
                raise
            _usage_exit(exc)

    def invoke(self, ctx):
        try:
            with _stale_fit_lines():
                return super().invoke(ctx)
        except Exception as exc:
            if not _is_usage_error(exc):
                raise
            _usage_exit(exc)


@contextlib.contextmanager
def _stale_fit_lines():
    """A stale fitted file (:class:`simulator.errors.StaleFitWarning`) as one line on stderr, once per
    command however often its scenario is loaded, when the command has done its work (a command that
    fails prints its one-line error only); other warnings as Python shows them."""
    import warnings

    from simulator.errors import StaleFitWarning

    stale: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("always", StaleFitWarning)
        original = warnings.showwarning

        def show(message, category, *args, **kwargs) -> None:
            if not issubclass(category, StaleFitWarning):
                original(message, category, *args, **kwargs)
            elif str(message) not in stale:
                stale.append(str(message))

        warnings.showwarning = show
        yield
    for message in stale:
        typer.echo(f"warning: {message}", err=True)


def _plain_metavars(group) -> None:
    """Name each value of the commands' options and arguments the way their help should show it: flags
    nothing, choices their values, others PATH, N, NUMBER, TEXT (arguments by their name), not ``<bool>``."""
    names = {Path: "PATH", int: "N", float: "NUMBER", str: "TEXT"}
    _flag_help(group)
    for command in group.commands.values():
        _flag_help(command)
        if hasattr(command, "commands"):
            _plain_metavars(command)
        for param in command.params:
            kind = param.type_descriptor
            if param.param_type_name == "argument":
                param.display_type_rich = lambda ctx: None  # the argument's name says it (SCENARIO, RESULTS)
            if param.metavar is not None:
                continue
            if getattr(param, "is_flag", False):
                param.metavar = ""
            elif kind.is_choice:
                param.metavar = "|".join(str(getattr(c, "value", c)) for c in kind.choices or ())
            else:
                base = kind.annotation.__args__[0] if kind.is_list else kind.annotation
                name = param.name.upper() if param.param_type_name == "argument" else names.get(base, "VALUE")
                param.metavar = name + ("..." if kind.is_list else "")


def _flag_help(command) -> None:
    """``--help`` without a value shown (it is made anew for each help page)."""
    make = command.get_help_option

    def get_help_option(ctx):
        option = make(ctx)
        if option is not None:
            option.metavar = ""
        return option

    command.get_help_option = get_help_option


app = typer.Typer(
    cls=OneLineErrors,
    name="sim",
    help="Project China's social-insurance funds for one region, year by year.",
    no_args_is_help=False,  # a bare `sim` is a usage error of one line, not a page of help
    add_completion=False,
    pretty_exceptions_enable=False,
)
calc = typer.Typer(help="Statutory calculators: retirement age, one worker's pension.", no_args_is_help=False)
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


def _load(path: Path, fitted: bool = True):
    return _load_full(path, fitted)[0]


def _load_full(path: Path, fitted: bool = True):
    """(scenario, origins of its keys, the fitted-value files merged into it); a bad file is one
    line and exit 2."""
    from simulator.errors import ScenarioError
    from simulator.scenario.load import load_with_origins

    try:
        return load_with_origins(path, fitted)
    except ScenarioError as exc:
        fail(str(exc))


def _project(loaded, origins, path: Path, fitted):
    """Project a loaded scenario as ``simulator.run(path)`` does; a value the projection finds
    impossible (e.g. net out-migration that empties an age group) is one line naming its file, line
    and key, and exit 2."""
    from simulator.errors import InputError, ScenarioError
    from simulator.model.projection import project
    from simulator.scenario.extends import locate

    try:
        return project(loaded, source=path, fitted=fitted, origins=origins)
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
    """Check scenario files; exit 0 when all are valid, 2 otherwise. A file of fitted values (written by
    sim calibrate) is checked with the scenario it belongs to."""
    from simulator.calibrate.store import fit_owner
    from simulator.errors import ScenarioError, printable

    bad = 0
    for path in scenarios:
        owner = fit_owner(path)
        try:
            simulator.load_scenario(owner or path)
            typer.echo(f"{printable(str(path))}: ok" + (f" (fitted values of {printable(owner.name)}, checked with it)" if owner else ""))
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
    fan_balance = "fan_balance"
    fan_dependency = "fan_dependency"


class Money(str, Enum):  # simulator.io.views.MONEY
    share = "share"
    nominal = "nominal"
    real = "real"


LangOption = Annotated[
    Lang,
    typer.Option(
        "--lang",
        help="Language of the tables, the report and the plots; auto: Chinese when the locale is (LANG=zh_CN...). "
        "Chinese plots need a CJK font (without one: English plots and a warning).",
    ),
]
MoneyOption = Annotated[
    Money | None,
    typer.Option(
        "--money",
        help="Money in the plots: share (of the wage bill), nominal (亿元) or real (亿元 at 2024 prices) \\[default: share].",
    ),
]
UntilOption = Annotated[
    int | None,
    typer.Option("--until", metavar="YEAR", help="Tables and plots up to this year \\[default: the horizon]."),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]
ForceFolderOption = Annotated[bool, typer.Option("--force", help="Replace an output folder that holds only sim's results.")]
DrawsOption = Annotated[
    int | None,
    typer.Option("--draws", min=1, max=100_000, help="Stochastic run of N draws: percentiles of every variable (docs/uncertainty.md)."),
]
SeedOption = Annotated[int, typer.Option("--seed", min=0, help="Seed of the draws: the same seed gives the same results.")]


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
    money: MoneyOption = None,
    until: UntilOption = None,
    draws: DrawsOption = None,
    seed: SeedOption = 0,
    keep_draws: Annotated[
        bool, typer.Option("--keep-draws", help="Also keep every draw (group 'draws' of results.nc; about 0.4 MB a draw).")
    ] = False,
) -> None:
    """Project a scenario and write results.nc, the summary table and the plots.

    With --draws N: N draws of the scenario's stochastic model (docs/uncertainty.md); results.nc
    holds the 2.5%, 10%, 50%, 90% and 97.5% percentiles of every variable and the probability that
    each fund is depleted by each year."""
    from simulator.io.progress import progress
    from simulator.io.text import resolve_lang
    from simulator.io.writers import fill_results

    if summary_format is SummaryFormat.parquet:
        _require("pyarrow", "--format parquet needs pyarrow (pip install pyarrow)")
    if keep_draws and draws is None:
        fail("sim run: --keep-draws needs --draws N (see sim run --help)")
    loaded, origins, fitted = _load_full(scenario)
    outdir = outdir or Path("results") / loaded.name
    _check_until(until, loaded.base_year, loaded.horizon)  # before the projection, not after it
    draw = not quiet if plots is None else plots
    if money is not None and not draw:
        fail("sim run: --money sets the money of the plots, and this run draws none (drop --no-plots or --quiet, or add --plots)")
    if until is not None and quiet and not draw:
        fail("sim run: --until limits the headline table and the plots, and a quiet run without plots shows neither")
    if lang is not Lang.auto and quiet and not draw:
        fail("sim run: --lang sets the language of the headline table and the plots, and a quiet run without plots shows neither")
    text = resolve_lang(lang.value)
    written: list[str] = ["results.nc", f"summary.{summary_format.value}"]
    painter = _painter() if draw else None  # its workers import matplotlib while this process projects
    every_draw = None
    try:
        with _claimed(outdir, force, "sim run") as folder, progress(
            f"projecting {loaded.name}", total=(draws or 1) + (2 if draw else 1), quiet=quiet
        ) as bar:
            with _compiling(bar, text):
                if draws is None:
                    results = _project(loaded, origins, scenario, fitted)  # what simulator.run(scenario) returns
                    bar.advance("writing results")
                else:
                    results = _stochastic(loaded, scenario, fitted, origins, draws, seed, keep_draws, bar)
                    if keep_draws:
                        results, every_draw = results["/"].to_dataset(), results["draws"].to_dataset()
                        written[0] = "results.nc (with every draw in its group 'draws')"
            shown = _until(results, until)
            if painter is not None:
                from simulator.io.plots import available_kinds

                painter.submit(shown, available_kinds(shown), lang.value, (money or Money.share).value)

            def fill_plots(folder: Path) -> None:
                bar.advance("drawing plots")
                (folder / "plots").mkdir()
                pngs = painter.collect()
                for kind, png in pngs.items():
                    (folder / "plots" / f"{kind}.png").write_bytes(png)
                written.append(f"plots/ ({', '.join(f'{k}.png' for k in pngs)})")

            folder.write(fill_results(results, summary_format.value, fill_plots if draw else None, every_draw))
            bar.advance()
    finally:
        if painter is not None:
            painter.close()
    from simulator.io.tables import provisional_warnings

    for warning in [] if quiet else [*(painter.warnings if painter is not None else []), *provisional_warnings(shown, text)]:
        typer.echo(warning, err=True)
    if not quiet:
        from simulator.io.tables import print_headline

        print_headline(shown, lang=text)
        typer.echo(_said(text, "wrote", what=f"{outdir}: {', '.join(written)}"))
        typer.echo(_said(text, "next_report", folder=outdir))


def _said(lang: str, key: str, **fields) -> str:
    """A message of the CLI in ``lang`` (auto, en, zh): :data:`simulator.io.text.WORDS`."""
    from simulator.io.text import words

    return words(lang)[key].format(**fields)


def _painter():
    from simulator.io.painter import Painter

    return Painter()


def _until(ds, year: int | None):
    """``ds`` up to ``year`` for tables and plots; a year outside the run is one line, exit 2."""
    from simulator.io.views import until

    try:
        return until(ds, year)
    except ValueError as exc:
        fail(str(exc))


def _check_until(year: int | None, first: int, last: int) -> None:
    """A ``--until`` year outside the run is one line, exit 2."""
    from simulator.io.views import check_until

    try:
        check_until(year, first, last)
    except ValueError as exc:
        fail(str(exc))


@contextlib.contextmanager
def _compiling(bar, lang: str):
    """Name the kernel on the progress bar while numba compiles it (the first run after installing)."""
    from simulator.io.progress import compile_notes

    with compile_notes(lambda name: bar.advance(_said(lang, "compiling", name=name), 0)):
        yield


def _plot_language(lang: Lang) -> str:
    """The language plots are drawn in; a one-line warning when Chinese has no font."""
    from simulator.io.plots import plot_lang

    drawn, warning = plot_lang(lang.value)
    if warning:
        typer.echo(warning, err=True)
    return drawn


def _fail_at_key(path: Path, exc: Exception) -> None:
    """A ValueError whose message starts with a key path (``uncertainty.x.y: ...``) as one line
    ``file:LINE: key.path: ...`` (the line of the longest part of the key path the file sets)."""
    from simulator.errors import ScenarioError
    from simulator.scenario.load import load_with_origins

    key, sep, rest = str(exc).partition(": ")
    try:
        origins = load_with_origins(path)[1]
    except ScenarioError:  # pragma: no cover - the file loaded a moment ago
        origins = {}
    found = [k for k in origins if k and sep and (key == ".".join(k) or key.startswith(".".join(k) + "."))]
    if not found:
        fail(f"{path}: {exc}")
    file, line = origins[max(found, key=len)]
    fail(str(ScenarioError(file, line, key, rest)))


def _stochastic(loaded, path: Path, fitted, origins, draws: int, seed: int, keep_draws: bool = False, bar=None):
    """The stochastic run of a loaded scenario (``sim run --draws``, ``sim compare --draws``; the draws
    counted on ``bar`` when given); a bad uncertainty setting is one line, exit 2."""
    from simulator.uncertainty.run import run as run_draws

    done = [0]

    def advance(k: int) -> None:
        bar.advance(f"draws {k:,} of {draws:,}", k - done[0])
        done[0] = k

    try:
        results = run_draws(
            loaded, draws, seed, keep_draws, source=path, fitted=fitted, progress=None if bar is None else advance, origins=origins
        )
    except ValueError as exc:
        _fail_at_key(path, exc)
    if bar is not None:
        bar.advance("writing results", 0)
    return results


@app.command()
def sensitivity(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    outdir: Annotated[
        Path | None, typer.Option("-o", "--outdir", help="Output folder \\[default: results/NAME-sensitivity].")
    ] = None,
    force: ForceFolderOption = False,
    lang: LangOption = Lang.auto,
    quiet: QuietOption = False,
    case: Annotated[list[str] | None, typer.Option("--case", help="Only this case (repeat for more) \\[default: all].")] = None,
) -> None:
    """One-at-a-time low and high changes of the key assumptions: sensitivity.csv and tornado.png.

    Each case moves one assumption from the uncertainty start year on (wage growth, inflation, fund
    return, fertility, mortality improvement, coverage, compliance, indexation, retirement take-up, and
    the scenario's own cases) and reports, per scheme, the change in the depletion year, in the
    actuarial balance over 25, 50 and 75 years and in the balance in 2035 and 2050."""
    from simulator.io.progress import progress
    from simulator.uncertainty.sensitivity import run as run_sensitivity

    loaded = _load(scenario)
    outdir = outdir or Path("results") / f"{loaded.name}-sensitivity"
    with _claimed(outdir, force, "sim sensitivity") as folder:
        with progress(f"sensitivity of {loaded.name}", quiet=quiet):
            try:
                table = run_sensitivity(loaded, case)
            except ValueError as exc:
                _fail_at_key(scenario, exc)

        drawn = _plot_language(lang)

        def fill(tmp: Path) -> None:
            from simulator.io.plots import tornado

            table.to_csv(tmp / "sensitivity.csv", index=False)
            tornado(table, tmp / "tornado.png", drawn)

        folder.write(fill)
    if not quiet:
        from simulator.io.tables import print_grid, sensitivity_grid
        from simulator.io.text import resolve_lang

        print_grid(sensitivity_grid(table, resolve_lang(lang.value)))
        typer.echo(_said(lang.value, "wrote", what=f"{outdir}/sensitivity.csv, {outdir}/tornado.png"))


@app.command()
def calibrate(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file with a calibration block.")],
    outdir: Annotated[
        Path | None, typer.Option("-o", "--outdir", help="Folder for calibration.csv \\[default: results/NAME-calibration].")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an output folder that holds only sim's results, and this scenario's own earlier fit.")
    ] = False,
    quiet: QuietOption = False,
) -> None:
    """Fit the scenario's free parameters to its targets; store the fitted values in the file its
    calibration.fitted names (never another scenario's fit; its own earlier fit only with --force)."""
    from simulator.calibrate import run_calibration

    loaded, outdir = _calibration_start(scenario, outdir, "calibration")
    with _claimed(outdir, force, "sim calibrate") as folder:
        done = _fitting(loaded, quiet, lambda tick: run_calibration(scenario, progress=tick, force=force))

        def fill(tmp: Path) -> None:
            done.table.to_csv(tmp / "calibration.csv", index=False)
            done.parameters.to_csv(tmp / "parameters.csv", index=False)

        folder.write(fill)
    if not quiet:
        from simulator.io.tables import print_calibration

        print_calibration(done.table, done.parameters)
        typer.echo(f"wrote {done.fitted} (used by every run of {scenario.name}) and {outdir}/calibration.csv, parameters.csv")


@app.command()
def backtest(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file with a calibration block.")],
    fit_until: Annotated[int, typer.Option("--fit-until", help="Last year of the figures fitted (at most 2020).")],
    outdir: Annotated[
        Path | None, typer.Option("-o", "--outdir", help="Output folder \\[default: results/NAME-backtest-YEAR].")
    ] = None,
    force: ForceFolderOption = False,
    quiet: QuietOption = False,
) -> None:
    """Calibrate on the figures up to a year only, project, and compare with every later figure."""
    from simulator.calibrate import run_backtest
    from simulator.scenario.calibration import CALIBRATION_LAST_YEAR

    loaded, outdir = _calibration_start(scenario, outdir, f"backtest-{fit_until}")
    if not loaded.base_year < fit_until <= CALIBRATION_LAST_YEAR:
        fail(f"--fit-until {fit_until}: expected a year after the base year {loaded.base_year} and at most {CALIBRATION_LAST_YEAR}")
    with _claimed(outdir, force, "sim backtest") as folder:
        done = _fitting(loaded, quiet, lambda tick: run_backtest(scenario, fit_until, progress=tick))

        def fill(tmp: Path) -> None:
            from simulator.io.plots import backtest_plot

            done.table.to_csv(tmp / "backtest.csv", index=False)
            done.calibration.table.to_csv(tmp / "calibration.csv", index=False)
            done.calibration.parameters.to_csv(tmp / "parameters.csv", index=False)
            if not done.table.empty:
                backtest_plot(done.results, done.table, fit_until, tmp / "backtest.png")

        folder.write(fill)
    if not quiet:
        from simulator.io.tables import print_backtest, print_calibration

        print_calibration(done.calibration.table, done.calibration.parameters)
        print_backtest(done.table, fit_until)
        typer.echo(f"wrote {outdir}: backtest.csv, calibration.csv, parameters.csv" + ("" if done.table.empty else ", backtest.png"))


def _calibration_start(scenario: Path, outdir: Path | None, suffix: str):
    """(the scenario, the output folder) for calibrate and backtest; one line and exit 2 when the
    scenario has no calibration block (the folder is claimed by the caller)."""
    loaded = _load(scenario, fitted=False)  # its fitted file may not exist yet
    if loaded.calibration is None:
        fail(f"{scenario}: no calibration block (expected calibration: parameters and targets, see docs/calibration.md)")
    return loaded, outdir or Path("results") / f"{loaded.name}-{suffix}"


def _fitting(loaded, quiet: bool, work):
    """Run ``work(tick)`` under a progress bar (one tick per batched run); bad input is one line, exit 2."""
    from simulator.calibrate.fit import MAX_ITERATIONS
    from simulator.errors import ScenarioError
    from simulator.io.progress import progress

    with progress(f"calibrating {loaded.name}", total=2 * MAX_ITERATIONS + 2, quiet=quiet) as bar:
        try:
            return work(lambda _: bar.advance())
        except ScenarioError as exc:
            fail(str(exc))
        except ValueError as exc:
            fail(f"{loaded.name}: {exc}")


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
    money: MoneyOption = None,
    until: UntilOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing image file.")] = False,
    quiet: QuietOption = False,
) -> None:
    """Draw one plot from a results folder."""
    from simulator.io.plots import draw
    from simulator.io.writers import OutputError, atomic_file

    if money is not None and kind is not PlotKind.fund_gap:
        fail(f"sim plot: --money applies to the fund_gap plot only, not to {kind.value} (see sim plot --help)")
    ds = _until(_read(results), until)
    output = output or Path(f"{ds.attrs['scenario']}_{kind.value}.png")
    if output.suffix.lower() not in (".png", ".svg", ".pdf"):
        fail(f"{output}: unknown image type {output.suffix!r} (expected .png, .svg or .pdf)")
    drawn = _plot_language(lang)
    try:
        with atomic_file(output, force) as tmp:
            draw(kind.value, ds, tmp, drawn, year, money=(money or Money.share).value)
    except (OutputError, ValueError) as exc:
        fail(f"{results}: {exc}" if isinstance(exc, ValueError) else str(exc))
    if not quiet:
        typer.echo(_said(lang.value, "wrote", what=output))


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
    money: MoneyOption = None,
    until: UntilOption = None,
    quiet: QuietOption = False,
    draws: DrawsOption = None,
    seed: SeedOption = 0,
) -> None:
    """Key indicators of scenarios side by side, and their fund gaps overlaid.

    Scenario files run now (with --draws N: stochastic runs, their medians with 80% ranges); results
    folders are read. When one of two scenario files extends the other (a reform and its parent), each
    changed key is also scored on its own and in sequence: how much of the change in the actuarial
    balance each provision buys (scoring.csv)."""
    from simulator.io.compare import PLOT_FILE, SCORING_FILE, TABLE_FILE, compare_fill, compare_grid, compare_table, unique_labels
    from simulator.io.progress import track

    if len(inputs) < 2:
        fail("sim compare: give two or more scenario files or results folders")
    sources = [_load_full(p) if p.suffix.lower() in (".yaml", ".yml") else _read(p) for p in inputs]
    labels = unique_labels([s[0].name if isinstance(s, tuple) else str(s.attrs["scenario"]) for s in sources])
    outdir = outdir or Path("results") / ("compare_" + "_vs_".join(labels))
    with _claimed(outdir, force, "sim compare") as folder:
        datasets = {}
        for label, path, source in track(list(zip(labels, inputs, sources)), "running scenarios", quiet=quiet):
            if not isinstance(source, tuple):
                datasets[label] = source
            elif draws is None:
                datasets[label] = _project(source[0], source[1], path, source[2])
            else:
                datasets[label] = _stochastic(source[0], path, source[2], source[1], draws, seed)
        datasets = {label: _until(ds, until) for label, ds in datasets.items()}
        table = compare_table(datasets)
        scoring = _scoring(inputs) if all(isinstance(s, tuple) for s in sources) and len(inputs) == 2 else None
        folder.write(compare_fill(datasets, _plot_language(lang), table, scoring, (money or Money.share).value))
    if not quiet:
        from simulator.io.tables import print_grid
        from simulator.io.text import resolve_lang

        text = resolve_lang(lang.value)
        print_grid(compare_grid(table, datasets, text))
        if scoring is not None:
            from simulator.io.compare import scoring_grid

            print_grid(scoring_grid(scoring, text))
        extra = f", {outdir}/{SCORING_FILE}" if scoring is not None else ""
        typer.echo(_said(text, "wrote", what=f"{outdir}/{TABLE_FILE}, {outdir}/{PLOT_FILE}{extra}"))


def _scoring(paths: list[Path]):
    """The provisions' scores when one scenario file extends the other, else None."""
    from simulator.uncertainty.scoring import reform_pair, score

    pair = reform_pair(*paths)
    if pair is None:
        return None
    try:
        return score(*pair)
    except ValueError as exc:
        fail(f"{pair[1]}: {exc}")


@app.command()
def report(
    results: Annotated[Path, typer.Argument(help="Results folder of `sim run` (or its results.nc).")],
    lang: LangOption = Lang.auto,
    money: MoneyOption = None,
    until: UntilOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing report.html.")] = False,
    quiet: QuietOption = False,
) -> None:
    """Write a self-contained report.html (tables, assumptions and plots, no network) into a results folder."""
    from simulator.io.report import write_report
    from simulator.io.writers import OutputError, ResultsError

    try:
        path, warnings = write_report(results, lang.value, force, until=until, money=(money or Money.share).value)
    except (ResultsError, OutputError, ValueError) as exc:
        fail(str(exc))
    for warning in warnings:
        typer.echo(warning, err=True)
    if not quiet:
        typer.echo(_said(lang.value, "wrote_report", path=path, uri=path.resolve().as_uri()))


@app.command()
def sweep(
    spec: Annotated[Path, typer.Argument(help="Sweep YAML file: regions, scenarios, levers, draws (docs/sweep.md).")],
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", min=1, help="Worker processes on this machine \\[default: the cores, at most one per task]."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Address (tcp://host:8786) or scheduler file of an existing dask cluster."),
    ] = None,
    outdir: Annotated[
        Path | None, typer.Option("-o", "--outdir", help="Output folder \\[default: results/sweeps/NAME].")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Empty an output folder that holds anything but this sweep, and start over.")
    ] = False,
    quiet: QuietOption = False,
) -> None:
    """Run many projections at once on dask.distributed; write one Dataset with a dimension per swept axis."""
    from simulator.errors import ScenarioError
    from simulator.io.writers import OutputError
    from simulator.sweep.cluster import ClusterError
    from simulator.sweep.run import run_sweep

    if workers is not None and scheduler is not None:
        fail("sim sweep: give --workers or --scheduler, not both (see sim sweep --help)")
    try:
        outcome = run_sweep(spec, outdir, workers=workers, scheduler=scheduler, force=force, quiet=quiet)
    except (ScenarioError, OutputError, ClusterError) as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        typer.echo("interrupted: finished tasks are kept; run the same command again to resume", err=True)
        raise typer.Exit(130) from None
    for failure in outcome.failed:
        typer.echo(f"failed: {failure.line()}", err=True)
    if not quiet:
        sizes = ", ".join(f"{dim} {n}" for dim, n in outcome.dataset.sizes.items())
        typer.echo(
            f"{outcome.tasks} runs: {outcome.reused} already done, {outcome.ran} run now, {len(outcome.failed)} failed"
        )
        typer.echo(f"wrote {outcome.path} ({sizes})")
    if outcome.failed:
        raise typer.Exit(1)


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


class Sex(str, Enum):
    male = "male"
    female = "female"


@calc.command("pension")
def calc_pension(
    province: Annotated[
        str | None, typer.Option("--province", help="Province id, e.g. jiangxi (see docs/calculator.md).")
    ] = None,
    city: Annotated[
        str | None, typer.Option("--city", help="City, e.g. 沈阳市 or shenyang, where it has its own base or rules.")
    ] = None,
    sex: Annotated[Sex | None, typer.Option("--sex", help="male or female.")] = None,
    group: Annotated[
        GroupName | None, typer.Option("--group", help="Retirement group \\[default: M60 for men].")
    ] = None,
    born: Annotated[str | None, typer.Option("--born", help="Birth month, YYYY-MM.")] = None,
    work_start: Annotated[
        str | None, typer.Option("--work-start", help="Month work began, YYYY-MM (for deemed years).")
    ] = None,
    retired: Annotated[
        str | None, typer.Option("--retired", help="Retirement month \\[default: statutory, 2024 reform].")
    ] = None,
    years: Annotated[float | None, typer.Option("--years", help="Contribution years, deemed years included.")] = None,
    deemed_years: Annotated[
        float | None, typer.Option("--deemed-years", help="Deemed years before the account.")
    ] = None,
    pre_account_years: Annotated[
        float | None, typer.Option("--pre-account-years", help="All years before the account (deemed + actual).")
    ] = None,
    avg_index: Annotated[
        float | None, typer.Option("--avg-index", help="Average contribution index (平均缴费指数).")
    ] = None,
    transitional_index: Annotated[
        float | None,
        typer.Option("--transitional-index", help="Index of the transitional pension, where the province has one."),
    ] = None,
    account: Annotated[float | None, typer.Option("--account", help="Account balance at retirement, yuan.")] = None,
    history: Annotated[
        Path | None,
        typer.Option(
            "--history", help="CSV of yearly bases (year,base[,months,share,crediting]) instead of --account."
        ),
    ] = None,
    divisor_months: Annotated[
        float | None, typer.Option("--divisor-months", help="Account divisor \\[default: from the age at retirement].")
    ] = None,
    base: Annotated[
        float | None, typer.Option("--base", help="Benefit base (计发基数), yuan/month \\[default: the rules' table].")
    ] = None,
    base_province: Annotated[
        float | None, typer.Option("--base-province", help="Provincial base where the city has its own.")
    ] = None,
    local_wage: Annotated[
        float | None, typer.Option("--local-wage", help="City's previous-year average monthly wage (Henan).")
    ] = None,
    notional_account: Annotated[
        float | None,
        typer.Option("--notional-account", help="Notional account of the transitional pension (Shanghai, Guangdong)."),
    ] = None,
    wage: Annotated[
        float | None, typer.Option("--wage", help="Own last monthly wage, for the replacement rate.")
    ] = None,
    rules: Annotated[
        Path | None, typer.Option("--rules", help="A rules file of your own (may extend a shipped one).")
    ] = None,
    scenario: Annotated[
        Path | None,
        typer.Option(
            "--scenario", help="Scenario for the retirement ages, divisors and crediting rates (and --profiles)."
        ),
    ] = None,
    profiles: Annotated[
        bool,
        typer.Option(
            "--profiles",
            help="First pensions of 0.5/1/2 x average-wage profiles by birth cohort, with and without the 2024 reform.",
        ),
    ] = False,
    outdir: Annotated[
        Path | None,
        typer.Option("-o", "--outdir", help="Folder for --profiles \\[default: results/NAME-pension-profiles]."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace a non-empty output folder (--profiles).")] = False,
    lang: LangOption = Lang.auto,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """One worker's first pension by the statutory formula and the province's rules (or --profiles)."""
    from simulator.errors import ScenarioError
    from simulator.model.award import CalcError
    from simulator.scenario.province_rules import UnknownProvince

    if profiles:
        return _pension_profiles(province, scenario, outdir, force, lang, as_json)
    try:
        award = simulator.calc_pension(
            province, city=city, sex=sex.value if sex else None, group=group.value if group else None, born=born,
            work_start=work_start, retired=retired, years=years, deemed_years=deemed_years,
            pre_account_years=pre_account_years, avg_index=avg_index, transitional_index=transitional_index,
            account=account, history=history, divisor_months=divisor_months, base=base, base_province=base_province,
            local_wage=local_wage, notional_account=notional_account, wage=wage, rules=rules, scenario=scenario,
        )  # fmt: skip
    except (CalcError, ScenarioError, UnknownProvince) as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(award.as_dict(), ensure_ascii=False))
        return
    from simulator.io.tables import print_award

    print_award(award)


def _pension_profiles(province, scenario, outdir, force, lang, as_json) -> None:
    from simulator.errors import ScenarioError
    from simulator.io.profiles import FILES, profile_table, profiles_fill
    from simulator.model.award import CalcError
    from simulator.model.profiles import cohort_profiles
    from simulator.scenario.province_rules import UnknownProvince, load_account_rules, load_province_rules

    if scenario is None:
        fail("sim calc pension --profiles: give --scenario (e.g. scenarios/jiangxi.yaml) for the wage path and rules")
    loaded = _load(scenario)
    region = loaded.region
    pid = province or (region.id if region.level == "province" else region.province)
    if pid is None:
        fail(f"{scenario}: region {region.id} is not a province: give --province for the rules")
    outdir = outdir or Path("results") / f"{loaded.name}-pension-profiles"
    with contextlib.nullcontext() if as_json else _claimed(outdir, force, "sim calc pension") as folder:
        try:
            rows, notes = cohort_profiles(loaded, load_province_rules(pid), load_account_rules())
        except (CalcError, ScenarioError, UnknownProvince) as exc:
            fail(str(exc))
        table = profile_table(rows)
        if as_json:
            typer.echo(
                json.dumps({"scenario": loaded.name, "province": pid, "rows": rows, "notes": notes}, ensure_ascii=False)
            )
            return
        folder.write(profiles_fill(table, notes, lang.value, f"{loaded.name} ({pid} rules)"))
    from simulator.io.profiles import print_profiles

    print_profiles(table, notes, f"{loaded.name}: first pension by birth cohort ({pid} rules)")
    typer.echo(f"wrote {outdir}: {', '.join(FILES)}")


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


def entry() -> None:
    """The ``sim`` console script (and ``python -m simulator.cli``): :data:`app`, with dask kept out of the
    process for every command but ``sweep``. They compute with numpy and numba; xarray only probes for
    dask (its arrays, its scheduler when writing NetCDF), and importing dask, dask.array and distributed
    for the probe took about a third of a second of a 1.5-second ``sim run``. Marked absent, the probes
    answer "no dask" at once."""
    if sys.argv[1:2] != ["sweep"]:
        for name in ("dask", "distributed"):
            sys.modules.setdefault(name, None)  # type: ignore[arg-type]
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(entry())
