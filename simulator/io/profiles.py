"""Table, CSV and plot of the cohort profiles of ``sim calc pension --profiles`` (matplotlib only here)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

TABLE_FILE = "profiles.csv"
PLOT_FILE = "replacement_rates.png"
NOTES_FILE = "notes.txt"
FILES = [TABLE_FILE, NOTES_FILE, PLOT_FILE]
COLUMNS = [
    "cohort",
    "group",
    "multiple",
    "career",
    "reform",
    "retired",
    "claim_age",
    "years",
    "first_pension",
    "basic",
    "account",
    "transitional",
    "extra",
    "final_wage",
    "replacement_rate",
]


def profile_table(rows: list[dict]) -> pd.DataFrame:
    """One row per cohort x group x multiple x career x reform, amounts in yuan a month."""
    return pd.DataFrame(rows, columns=COLUMNS)


def profiles_fill(table: pd.DataFrame, notes: list[str], lang: str, title: str) -> Callable[[Path], None]:
    """The function that writes profiles.csv, notes.txt and the plot (:data:`FILES`) into an output
    folder (for :meth:`simulator.io.outdir.OutputFolder.write`)."""

    def fill(folder: Path) -> None:
        table.round(4).to_csv(folder / TABLE_FILE, index=False)
        (folder / NOTES_FILE).write_text("\n".join(notes) + "\n", encoding="utf-8")
        plot_replacement_rates(table, folder / PLOT_FILE, lang, title)

    return fill


def plot_replacement_rates(table: pd.DataFrame, path: Path, lang: str, title: str) -> Path:
    """Replacement rate by birth cohort: one panel per group and career, a line per wage multiple,
    solid with the 2024 reform and dashed without it."""
    from simulator.io.plots import _fonts, _plot_lang, _pyplot, _save

    lang = _plot_lang(lang)
    zh = lang == "zh"
    plt = _pyplot()
    groups = list(dict.fromkeys(table["group"]))
    careers = list(dict.fromkeys(table["career"]))
    with plt.rc_context(_fonts(lang)):
        fig, axes = plt.subplots(
            len(careers), len(groups), figsize=(4.2 * len(groups), 3.4 * len(careers) + 0.8), squeeze=False, sharey=True
        )
        for i, career in enumerate(careers):
            for j, group in enumerate(groups):
                ax = axes[i, j]
                for k, (multiple, part) in enumerate(
                    table[(table.group == group) & (table.career == career)].groupby("multiple")
                ):
                    color = f"C{k}"
                    for reform, style in ((True, "-"), (False, "--")):
                        line = part[part.reform == reform]
                        if line.empty:
                            continue
                        label = f"{multiple:g} × {'平均工资' if zh else 'average wage'}" + (
                            "" if reform else (" (未延迟退休)" if zh else " (no reform)")
                        )
                        ax.plot(
                            line.cohort, 100 * line.replacement_rate, style, color=color, marker="o", ms=3, label=label
                        )
                name = {
                    "full": "全职业生涯" if zh else "full career",
                    "short": "最低缴费年限" if zh else "minimum years",
                }[career]
                ax.set_title(f"{group}, {name}")
                ax.grid(alpha=0.3)
                ax.set_xlabel("出生年份" if zh else "birth cohort")
                if j == 0:
                    ax.set_ylabel("替代率 (%)" if zh else "replacement rate (%)")
        axes[0, 0].legend(fontsize=7)
        fig.suptitle(title)
        fig.tight_layout()
        return _save(fig, path)


def print_profiles(table: pd.DataFrame, notes: list[str], title: str) -> None:
    """Replacement rates (%) by cohort, one table per career: a column per group and wage multiple,
    each cell 'with the 2024 reform (without it)'."""
    from rich.table import Table

    from simulator.io.tables import console_for_tables

    console = console_for_tables()
    rates = table.set_index(["cohort", "group", "career", "multiple", "reform"])["replacement_rate"]
    for career in dict.fromkeys(table.career):
        part = table[table.career == career]
        keys = list(dict.fromkeys(zip(part.group, part.multiple)))
        name = "full career from 22" if career == "full" else "minimum contribution years"
        out = Table(
            title=f"{title}, {name}: replacement rate % with the 2024 reform (without it)", title_justify="left"
        )
        out.add_column("cohort", justify="right", no_wrap=True)
        for group, multiple in keys:
            out.add_column(f"{group} {multiple:g}x", justify="right", no_wrap=True)
        for cohort in sorted(set(part.cohort)):
            cells = []
            for group, multiple in keys:
                on = rates.get((cohort, group, career, multiple, True))
                off = rates.get((cohort, group, career, multiple, False))
                text = "" if on is None else f"{100 * on:.0f}"
                cells.append(text + ("" if off is None else f" ({100 * off:.0f})"))
            out.add_row(str(cohort), *cells)
        console.print(out)
    for note in notes:
        console.print(f"- {note}", markup=False, highlight=False)
