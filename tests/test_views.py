"""Views of results for reading: up to a year (--until), money as a share of the wage bill, nominal or
real (--money), the words in English or Chinese, plots drawn in worker processes, and the note shown
while numba compiles."""

from __future__ import annotations

import string

import numpy as np
import pytest

from simulator.io.text import WORDS, resolve_lang, words
from simulator.io.views import discount_text, money, until
from tests.outputs_support import results


def test_until_cuts_the_years_and_the_depletions_after_them() -> None:
    ds = results()
    depleted = int(ds["depletion_year"].sel(scheme="employee_pension"))
    before, after = until(ds, depleted - 1), until(ds, depleted)
    assert int(before["year"][-1]) == depleted - 1 and before.attrs["until"] == depleted - 1
    assert np.isnan(float(before["depletion_year"].sel(scheme="employee_pension")))  # not depleted by then
    assert int(after["depletion_year"].sel(scheme="employee_pension")) == depleted
    assert until(ds, None) is ds
    assert float(before["actuarial_balance"].sel(scheme="employee_pension")) == float(ds["actuarial_balance"].sel(scheme="employee_pension"))
    for bad in (int(ds["year"][0]), int(ds["year"][-1]) + 1):
        with pytest.raises(ValueError, match=f"--until {bad}: expected a year after the base year"):
            until(ds, bad)


def test_money_views_are_the_same_figures_in_other_units() -> None:
    """share = 100 x NAME_to_wage_bill; nominal = yuan / 1e8; real = nominal / price index, equal to nominal
    in the index's reference year."""
    ds = results()
    scheme = "employee_pension"
    nominal, unit = money(ds, "balance", scheme, "nominal", "en")
    np.testing.assert_allclose(nominal, ds["balance"].sel(scheme=scheme) / 1e8)
    assert unit == "100 million yuan"
    real, unit = money(ds, "balance", scheme, "real", "zh")
    np.testing.assert_allclose(real * ds["price_index"], nominal, rtol=1e-12)
    assert float(real.sel(year=2024)) == float(nominal.sel(year=2024)) and unit == "亿元（2024年价格）"
    share, unit = money(ds, "current_balance", scheme, "share", "en")
    np.testing.assert_allclose(share, 100 * ds["current_balance_to_wage_bill"].sel(scheme=scheme))
    assert unit == "% of the wage bill"
    assert money(ds, "balance", "population", "nominal", "en")[0] is None
    with pytest.raises(ValueError, match="expected one of share, nominal, real"):
        money(ds, "balance", scheme, "gold", "en")


def test_discount_rate_in_words() -> None:
    ds = results()
    rate = float(ds["fund_return"].values[1])
    assert discount_text(ds, "en") == f"present values discounted at the fund return, {rate:.2%} a year"
    assert discount_text(ds, "zh") == f"现值按基金收益率年{rate:.2%}折现"


def test_both_languages_have_the_same_words_and_fields() -> None:
    fields = {lang: {k: {f for _, f, _, _ in string.Formatter().parse(v) if f} for k, v in w.items()} for lang, w in WORDS.items()}
    assert fields["en"] == fields["zh"]


@pytest.mark.parametrize(
    "env, lang",
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),  # LC_ALL first
        ({"LC_MESSAGES": "zh_TW"}, "zh"),
        ({}, "en"),
    ],
)
def test_auto_follows_the_locale(monkeypatch, env: dict, lang: str) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert resolve_lang("auto") == lang
    assert resolve_lang("en") == "en" and resolve_lang("zh") == "zh"
    assert words("auto") is WORDS[lang]
    with pytest.raises(ValueError, match="expected one of auto, en, zh"):
        resolve_lang("fr")


def test_plots_drawn_in_workers_equal_plots_drawn_here() -> None:
    """The forked workers give the same PNG bytes as drawing in this process, in the order asked for."""
    from simulator.io.painter import Painter

    ds = results()
    kinds = ["dependency", "fund_gap"]
    with Painter(workers=2) as forked, Painter(workers=0) as here:
        for painter in (forked, here):
            painter.submit(ds, kinds, "en", "nominal")
        drawn, expected = forked.collect(), here.collect()
    assert list(drawn) == kinds and drawn == expected
    assert forked.warnings == here.warnings == []


def test_a_compilation_is_named_once() -> None:
    """While numba compiles a function (and the functions it calls), the note is called once with the
    name of its module; a compiled function is not noted again."""
    from numba import njit

    from simulator.io.progress import compile_notes

    @njit
    def inner(x):
        return x + 1.0

    @njit
    def outer(x):
        return inner(x) * 2.0

    notes: list[str] = []
    with compile_notes(notes.append):
        assert outer(1.0) == 4.0
        assert outer(2.0) == 6.0
    assert notes == ["test views kernel"]
    outer(np.int64(3))  # compiled outside the block: not noted
    assert notes == ["test views kernel"]
