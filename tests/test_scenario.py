"""Scenario language: the dated-parameter forms, extends merging, immutability, hashing."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from simulator.scenario import load_scenario, scenario_hash
from simulator.scenario.params import Dated, parse_date
from tests.conftest import FIXTURES

D = dt.date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (0.16, ((D(1900, 1, 1), 0.16),)),
        ({2015: 0.2, "2019-05-01": 0.16}, ((D(2015, 1, 1), 0.2), (D(2019, 5, 1), 0.16))),
        ({"2019-05": 0.16, 2015: 0.2}, ((D(2015, 1, 1), 0.2), (D(2019, 5, 1), 0.16))),
        ({"values": {2020: 93}, "unit": "yuan/month", "source": "x"}, ((D(2020, 1, 1), 93.0),)),
    ],
)
def test_dated_forms(raw, expected) -> None:
    assert Dated.model_validate(raw).values == expected


def test_dated_value_in_force() -> None:
    p = Dated.model_validate({2015: 0.2, "2019-05-01": 0.16})
    assert p.at(D(2010, 6, 1)) == 0.2  # before the first date: the first value
    assert p.at(D(2019, 4, 30)) == 0.2
    assert p.at(D(2019, 5, 1)) == 0.16


@pytest.mark.parametrize("bad", ["x", True, {"2019-02-30": 1}, {2015: "a"}, {}])
def test_dated_rejects(bad) -> None:
    with pytest.raises(ValidationError):
        Dated.model_validate(bad)


@pytest.mark.parametrize(("key", "date"), [(2019, D(2019, 1, 1)), ("2019-05", D(2019, 5, 1)), ("2019-05-03", D(2019, 5, 3))])
def test_parse_date(key, date) -> None:
    assert parse_date(key) == date


def test_extends_amends_parent_schedule_child_wins() -> None:
    s = load_scenario(FIXTURES / "good" / "amend_rate.yaml")
    rate = s.policy.employee_pension.employer_rate
    # parent: 1998 0.20, 2019-05-01 0.16; child: 2016-05 0.19, 2019-05-01 0.15
    assert rate.values == ((D(1998, 1, 1), 0.20), (D(2016, 5, 1), 0.19), (D(2019, 5, 1), 0.15))
    assert rate.source and "国办发〔2019〕13号" in rate.source  # parent's metadata kept
    assert s.horizon == 2050 and s.base_year == 2010 and s.region.id == "jiangxi"


def test_scenario_is_immutable(jiangxi_path) -> None:
    s = load_scenario(jiangxi_path)
    with pytest.raises(ValidationError):
        s.horizon = 2200  # type: ignore[misc]


def test_hash_is_stable_and_sensitive(jiangxi_path) -> None:
    a, b = load_scenario(jiangxi_path), load_scenario(jiangxi_path)
    assert scenario_hash(a) == scenario_hash(b)
    child = load_scenario(FIXTURES / "good" / "amend_rate.yaml")
    assert scenario_hash(child) != scenario_hash(a)
