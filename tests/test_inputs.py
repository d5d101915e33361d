"""Assumptions in the open: every input of a scenario with its value, status and source, read from what
the scenario files hold; the provisional inputs `sim run` warns about move a headline figure."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from simulator.scenario.inputs import STATUSES, moves_headline, scenario_inputs, status_of
from simulator.scenario.load import load_with_origins, override
from tests.conftest import SCENARIOS


@cache
def inputs(name: str) -> dict[str, object]:
    scenario, origins, fitted = load_with_origins(SCENARIOS / f"{name}.yaml")
    return {item.key: item for item in scenario_inputs(scenario, origins, fitted)}


@pytest.mark.parametrize(
    "text, fitted, status",
    [
        ("国发〔2005〕38号: 1% of the base per contribution year", False, "source"),
        ("Assumption: share of actives who stop paying each year", False, "assumption"),
        ("Assumption - half of eligible job losers claim", False, "assumption"),
        ("DERIVED, assumption - Liaoning's assumed 138.5亿 x 0.012698", False, "assumption"),
        ("Balance: assumption (Jiangxi's rule), the national 2021 balance per insured", False, "assumption"),
        ("", False, "assumption"),  # no source at all is not a source
        ("PROVISIONAL - fiscal subsidy not sourced for Huangshi; zero.", False, "provisional"),
        ("PROVISIONAL until calibration: insured / urban employment", True, "fitted"),  # calibrated since
        ("2016-2020: 10% a year (seeds); from 2021: assumptions", False, "source"),
    ],
)
def test_status_from_the_source_text(text: str, fitted: bool, status: str) -> None:
    assert status_of(text, fitted) == status


def test_a_block_source_decides_by_the_sentence_that_names_the_input() -> None:
    """A block's source text speaks for each of its inputs through the sentence that names it."""
    text = "End of 2010, Yearbook table 21-40 (H): 145.5万 retirees. Service density 1.0 (assumption: long careers) and entry age 20."
    assert status_of(text, about="retirees") == "source"
    assert status_of(text, about="service_density") == status_of(text, about="entry_age") == "assumption"
    assert status_of(text, about="balance") == "source"  # not named: the text as a whole
    assert status_of("Scaled from Liaoning. Balance 9亿 PROVISIONAL until a figure is found.", about="balance") == "provisional"
    assert status_of(text, fitted=True, about="service_density") == "fitted"


def test_jiangxi_inputs_and_their_statuses() -> None:
    """Each kind of place a source is written: a dated parameter's ``source``, a fitted file, a comment on
    the line, a comment block below a table, one above (national rules), the block's ``source``, none."""
    found = inputs("jiangxi")
    expected = {
        "resident_pension.initial.balance": "provisional",  # its block's source: "PROVISIONAL assumption: 10亿 ..."
        "employee_pension.coverage": "fitted",  # 2015 and 2020 in jiangxi.fitted.yaml
        "employee_pension.coverage_by_age": "fitted",  # its 58 knot
        "work_injury.initial.balance": "fitted",
        "economy.inflation": "source",
        "economy.fund_return": "assumption",
        "employee_pension.transitional_rate": "source",  # comment on its line: Nanchang award sheets
        "resident_pension.tier_shares": "assumption",  # comment block below it
        "resident_pension.tier_subsidies": "source",  # 国发〔2014〕8号, the block below it
        "policy.employee_pension.account_divisors": "source",  # divisor_source and the block above it
        "policy.employee_pension.base_cap": "source",
        "employee_pension.short_service.continue_until_age": "assumption",
        "employee_pension.initial.retirees": "source",  # initial.source: China Statistical Yearbook 2011
        "employee_pension.initial.contributors": "assumption",  # its sentence: "80% paying (assumption: ...)"
        "employee_pension.initial.service_density": "assumption",  # "Service density 1.0 (assumption: ...)"
        "employee_pension.pooling.receipt_ratio": "assumption",  # not set: the schema's default
        "employee_pension.flexible.late_share": "assumption",  # nothing says where 0 comes from
    }
    assert {key: found[key].status for key in expected} == expected
    assert found["employee_pension.transitional_rate"].source.startswith("Jiangxi 1.3% per deemed year")
    assert found["resident_pension.tier_subsidies"].source.startswith("国发〔2014〕8号: local governments add")
    assert "Annex of 国发〔2005〕38号" in found["policy.employee_pension.account_divisors"].source
    assert "schema's default" in found["employee_pension.pooling.receipt_ratio"].source
    assert found["resident_pension.initial.balance"].value == "1,000,000,000"
    assert found["employee_pension.coverage"].value.startswith("2015-07-01: 0.40479")  # the fitted value, not 0.40
    assert found["resident_pension.initial.balance"].file.endswith("jiangxi.yaml")
    assert found["resident_pension.initial.balance"].line > 0


@pytest.mark.parametrize("name", ["jiangxi", "huangshi", "liaoning", "lingyuan", "zhoushan", "china"])
def test_every_input_is_a_key_of_the_scenario(name: str) -> None:
    """Each listed input names a key the validated scenario has, where a file writes it (or the schema's
    default), with one of the four statuses."""
    scenario, _, _ = load_with_origins(SCENARIOS / f"{name}.yaml")
    data = scenario.model_dump(mode="json")
    for key, item in inputs(name).items():
        node = data
        for part in key.split("."):
            node = node[part]
        assert item.status in STATUSES
        assert (item.file and item.line > 0) or "schema's default" in item.source, key
    assert {"economy.wage_growth", "employee_pension.initial.balance", "demography.fertility.tfr"} <= set(inputs(name))


def test_the_known_placeholders_are_provisional() -> None:
    """The placeholders the scenario files name: zero subsidies and receipts, Huangshi's zero opening
    balance (its comment), Lingyuan's scaled stocks; China's rates taken from Jiangxi say they are assumptions."""
    assert inputs("huangshi")["employee_pension.subsidy.path"].status == "provisional"
    assert inputs("huangshi")["employee_pension.initial.balance"].status == "provisional"
    assert inputs("zhoushan")["employee_pension.subsidy.path"].status == "provisional"
    assert inputs("lingyuan")["employee_pension.initial.dormant"].status == "provisional"
    assert inputs("china")["employee_pension.dormancy_rate"].status == "assumption"  # "Assumption (as for Jiangxi): ..."
    assert inputs("jiangxi")["unemployment.coverage"].status == "fitted"  # "PROVISIONAL until calibration", calibrated


def test_moves_headline() -> None:
    schemes = ["employee_pension", "resident_pension"]
    assert moves_headline("resident_pension.initial.balance", schemes)
    assert moves_headline("policy.employee_pension.employer_rate", schemes)
    assert moves_headline("economy.fund_return", schemes) and moves_headline("demography.fertility.tfr", schemes)
    assert not moves_headline("unemployment.take_up", schemes)  # a scheme the run does not show


def test_a_provisional_input_of_jiangxi_moves_its_headline_figures() -> None:
    """The rule of :func:`moves_headline`, checked: changing the provisional input (x 2, one more draw in the
    same projection) changes its scheme's figures in the headline years."""
    from simulator.io.tables import HEADLINE, headline_years
    from simulator.model.projection import project

    scenario, origins, fitted = load_with_origins(SCENARIOS / "jiangxi.yaml")
    schemes = ["employee_pension", "resident_pension", "unemployment", "work_injury"]
    provisional = [i for i in scenario_inputs(scenario, origins, fitted) if i.status == "provisional" and moves_headline(i.key, schemes)]
    assert [i.key for i in provisional] == ["resident_pension.initial.balance"]
    changed = override(scenario, {"resident_pension.initial.balance": 2 * scenario.resident_pension.initial.balance})
    ds = project(scenario, draws=[scenario, changed])
    years = headline_years(ds.isel(draw=0))
    shown = [n for names, _, _ in HEADLINE for n in names if n in ds]
    moved = [n for n in shown if not np.allclose(ds[n].sel(scheme="resident_pension", year=years).isel(draw=0),
                                                  ds[n].sel(scheme="resident_pension", year=years).isel(draw=1), equal_nan=True)]  # fmt: skip
    assert "balance" in moved


def test_sources_are_read_from_the_file_as_it_is_now(tmp_path) -> None:
    """A scenario file edited between two loads in one process (a notebook): the second listing reads the
    comments of the edited file, not of the text read the first time. 40 comment lines put on top move
    every key 40 lines down; the sources stay those of a fresh read."""
    path = tmp_path / "jiangxi.yaml"
    text = (SCENARIOS / "jiangxi.yaml").read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    (tmp_path / "jiangxi.fitted.yaml").write_text((SCENARIOS / "jiangxi.fitted.yaml").read_text(encoding="utf-8"), encoding="utf-8")

    def listing() -> dict[str, tuple[str, str, int]]:
        scenario, origins, fitted = load_with_origins(path)
        return {i.key: (i.status, i.source, i.line) for i in scenario_inputs(scenario, origins, fitted)}

    before = listing()
    path.write_text("# a note\n" * 40 + text, encoding="utf-8")
    after = listing()
    assert {k: (s, src) for k, (s, src, _) in after.items()} == {k: (s, src) for k, (s, src, _) in before.items()}
    assert after["economy.fund_return"][2] == before["economy.fund_return"][2] + 40
