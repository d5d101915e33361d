"""Plots of results (matplotlib, Agg backend, imported only here and only when a plot is drawn)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import xarray as xr

CJK_FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei", "Microsoft YaHei", "PingFang SC"]
TEXT = {  # bars in `unit` (persons / scale); the panel title gives the total in `total_unit` (persons / total_scale)
    "en": {"male": "Men", "female": "Women", "age": "Age (100 = 100+)", "unit": "thousand persons", "scale": 1e3,
           "total": "total", "total_unit": "million", "total_scale": 1e6},
    "zh": {"male": "男", "female": "女", "age": "年龄 (100 = 100岁及以上)", "unit": "万人", "scale": 1e4,
           "total": "总人口", "total_unit": "万人", "total_scale": 1e4},
}


def population_pyramid(ds: xr.Dataset, years: list[int], path: Path, lang: str = "en") -> Path:
    """Population by sex and single age (100 = 100+) at the end of each of ``years``, one panel a
    year, men left and women right, on one scale; the first year's outline is drawn on later panels.

    ``ds`` needs ``population(year, sex, age)`` (with a ``draw`` dim the median is drawn). Writes a PNG
    to ``path`` and returns it."""
    if lang not in TEXT:
        raise ValueError(f"lang {lang!r} (expected one of {', '.join(TEXT)})")
    missing = [y for y in years if y not in ds["year"].values]
    if not years or missing:
        span = f"{int(ds.year[0])}..{int(ds.year[-1])}"
        raise ValueError(f"years {missing or years} not in the results (expected years within {span})")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    text = TEXT[lang]
    pop = ds["population"]
    if "draw" in pop.dims:
        pop = pop.median("draw")
    pop = pop.sel(year=years).transpose("year", "sex", "age") / text["scale"]
    ages = pop["age"].values
    widest = float(pop.max()) * 1.05
    with plt.rc_context(_fonts(lang)):
        fig, axes = plt.subplots(1, len(years), figsize=(4.2 * len(years), 5.6), sharey=True, squeeze=False)
        first = pop.isel(year=0)
        for i, (ax, year) in enumerate(zip(axes[0], years)):
            panel = pop.sel(year=year)
            male, female = panel.sel(sex="male").values, panel.sel(sex="female").values
            ax.barh(ages, -male, height=1.0, color="#3b75af", label=text["male"])
            ax.barh(ages, female, height=1.0, color="#c8553d", label=text["female"])
            if i:
                outline = np.concatenate([-first.sel(sex="male").values[::-1], first.sel(sex="female").values])
                ax.plot(outline, np.concatenate([ages[::-1], ages]), color="black", lw=0.7, label=str(years[0]))
            ax.set_xlim(-widest, widest)
            total = (male.sum() + female.sum()) * text["scale"] / text["total_scale"]
            region = ds.attrs.get("region", "")
            ax.set_title(f"{region} {year}: {text['total']} {total:,.1f} {text['total_unit']}".strip())
            ax.set_xlabel(text["unit"])
            ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{abs(x):,.0f}"))
            ax.axvline(0, color="grey", lw=0.5)
        axes[0, 0].set_ylabel(text["age"])
        axes[0, -1].legend(loc="upper right", fontsize="small", frameon=False)
        fig.tight_layout()
        path = Path(path)
        fig.savefig(path, dpi=120)
        plt.close(fig)
    return path


def _fonts(lang: str) -> dict[str, object]:
    """A CJK font for Chinese labels when one is installed (else a warning: glyphs may be missing)."""
    if lang != "zh":
        return {}
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    found = [name for name in CJK_FONTS if name in installed]
    if not found:
        warnings.warn("no CJK font: Chinese labels may not render (install e.g. Noto Sans CJK SC)", stacklevel=3)
    return {"font.sans-serif": found + ["DejaVu Sans"], "axes.unicode_minus": False}
