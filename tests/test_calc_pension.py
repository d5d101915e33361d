"""sim calc pension: real award sheets as golden cases, hand-worked examples, rules files, bad input."""

from __future__ import annotations

import math

import pytest

from award_cases import CASES, PARTS, SHARED_CASES, case_id, rows, worker
from simulator.model.award import CalcError, Worker, calc_award, divisor_at
from simulator.scenario.load import load_retirement_policy
from simulator.scenario.province_rules import load_employee_policy, load_province_rules

POLICY = load_employee_policy()
RETIREMENT = load_retirement_policy()

# Components the calculator cannot reproduce from the sheet's inputs in cases.csv, each with its
# reason (docs/calculator.md lists them too). Every other component must be within 1 yuan.
KNOWN_MISSES = {
    ("guangdong/huizhou/huizhou.json", "transitional"): "notional account (视同缴费账户 13615.08 / 120) not in cases.csv",
    ("shanghai/1/1.json", "transitional"): "notional account (虚账实记 / 120) not in cases.csv",
    ("shanghai/2/2.json", "transitional"): "notional account (虚账实记 / 120) not in cases.csv",
    ("guangdong/shenzhen-man/shenzhen-man.json", "transitional"): "Shenzhen's own old-method part not modelled",
    ("guangdong/shenzhen-man-2025/shenzhen-man-2025.json", "transitional"): "Shenzhen's own old-method part not modelled",
    ("hubei/hubei-jingzhou-hangyetongchou-2026-04/10.json", "transitional"): "industry-pooled firm: account from 1998-12, deemed years not in cases.csv",
}


def award(w: Worker, province: str):
    return calc_award(w, load_province_rules(province), POLICY.account_divisors, RETIREMENT)


def sheet_results() -> list[tuple[str, str, float, float]]:
    out = []
    for row in rows():
        result = award(worker(row), row["province"])
        out.extend((case_id(row), part, getattr(result, part), float(row[part])) for part in PARTS)
    return out


RESULTS = sheet_results()


@pytest.mark.parametrize("case, part, computed, sheet", RESULTS, ids=[f"{c}:{p}" for c, p, _, _ in RESULTS])
def test_verified_sheet_component(case: str, part: str, computed: float, sheet: float) -> None:
    """Each component of each verified sheet within 1 yuan, except the listed misses (which must still miss:
    a miss that starts to pass is a rule newly covered, to take off the list)."""
    if (case, part) in KNOWN_MISSES:
        assert abs(computed - sheet) > 1.0, f"{case} {part} now matches: remove it from KNOWN_MISSES"
    else:
        assert computed == pytest.approx(sheet, abs=1.0)


def test_share_within_one_yuan() -> None:
    """The issue's bar: at least 95% of the verified components within 1 yuan (measured: 123 of 129)."""
    hits = sum(abs(c - s) <= 1.0 for _, _, c, s in RESULTS)
    assert len(RESULTS) == 129
    assert hits / len(RESULTS) >= 0.95
    assert hits == len(RESULTS) - len(KNOWN_MISSES)


@pytest.mark.skipif(not SHARED_CASES.is_file(), reason="../shared/data/award_cases is not available")
def test_fixture_is_the_shared_file() -> None:
    assert CASES.read_bytes() == SHARED_CASES.read_bytes()
