"""sim calc pension: real award sheets as golden cases, hand-worked examples, rules files, bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from award_cases import CASES, PARTS, SHARED_CASES, case_id, rows, worker

from simulator.model.award import CalcError, Worker, calc_award, divisor_at
from simulator.scenario.load import load_retirement_policy
from simulator.scenario.province_rules import load_employee_policy, load_province_rules

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "calc"
POLICY = load_employee_policy()
RETIREMENT = load_retirement_policy()

# Components the calculator cannot reproduce from the sheet's inputs in cases.csv, each with its
# reason (docs/calculator.md lists them too). Every other component must be within 1 yuan.
KNOWN_MISSES = {
    (
        "guangdong/huizhou/huizhou.json",
        "transitional",
    ): "notional account (视同缴费账户 13615.08 / 120) not in cases.csv",
    ("shanghai/1/1.json", "transitional"): "notional account (虚账实记 / 120) not in cases.csv",
    ("shanghai/2/2.json", "transitional"): "notional account (虚账实记 / 120) not in cases.csv",
    ("guangdong/shenzhen-man/shenzhen-man.json", "transitional"): "Shenzhen's own old-method part not modelled",
    (
        "guangdong/shenzhen-man-2025/shenzhen-man-2025.json",
        "transitional",
    ): "Shenzhen's own old-method part not modelled",
    (
        "hubei/hubei-jingzhou-hangyetongchou-2026-04/10.json",
        "transitional",
    ): "industry-pooled firm: account from 1998-12, deemed years not in cases.csv",
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


# ---------------------------------------------------------------- hand-worked examples


def test_henan_double_base_by_hand() -> None:
    """Kaifeng, 2026-02 (豫政〔2006〕29号): provincial base 6738, Kaifeng average wage 6385, index 0.70066,
    transitional index 0.6335, 44.08 years of which 12.92 deemed, account 71,028.64, divisor 139:

    - basic        = (6738 + 6385 x 0.70066) / 2 x 44.08 x 1% = (6738 + 4473.714) / 2 x 0.4408 = 2471.06
    - transitional = 6385 x 0.6335 x 12.92 x 1.3% = 679.38
    - account      = 71028.64 / 139 = 511.00
    """
    w = Worker(sex="male", born="1966-02", retired="2026-02", years=44.08, deemed_years=12.92, avg_index=0.70066,
               transitional_index=0.6335, account=71028.64, divisor_months=139, base=6738, city="开封市")  # fmt: skip
    a = award(w, "henan")
    assert (round(a.basic, 2), round(a.transitional, 2), round(a.account, 2)) == (2471.06, 679.38, 511.00)
    assert a.inputs["local_wage"] == 6385


def test_guangdong_low_index_by_hand() -> None:
    """Jiangmen, 2024-05: base 9028, index 0.452 < 0.6 so a = 0.452 / 0.6 = 0.75333, 17.75 years, no deemed years:

    - basic        = (9028 x 0.75333 + 9028 x 0.452) / 2 x 17.75 x 1% = 5440.87 x 0.1775 = 965.76
    - transitional = 100 (flat) + 4 x 17 whole years = 168
    """
    w = Worker(sex="female", born="1974-04", retired="2024-05", years=17.75, deemed_years=0, avg_index=0.452,
               account=55389.69, divisor_months=195, base=9028, city="江门市")  # fmt: skip
    a = award(w, "guangdong")
    assert a.basic == pytest.approx(965.76, abs=0.01)
    assert a.transitional == pytest.approx(168.0)
    assert a.inputs["low_index_a"] == pytest.approx(0.452 / 0.6)


def test_liaoning_half_one_plus_index_by_hand() -> None:
    """Jinzhou, 2024-03: base 7201, index 1.1913 (no separate pre-account index), 9 pre-account years:
    transitional = 7201 x (1 + 1.1913) / 2 x 9 x 1.4% = 7889.69 x 0.126 = 994.10."""
    w = Worker(sex="male", born="1969-03", retired="2024-03", years=35.25, deemed_years=4.83, pre_account_years=9,
               avg_index=1.1913, account=149805.28, divisor_months=170, base=7201, city="锦州市")  # fmt: skip
    a = award(w, "liaoning")
    assert a.transitional == pytest.approx(7201 * (1 + 1.1913) / 2 * 9 * 0.014)
    assert any("average index is used" in n for n in a.notes)


def test_zhejiang_extras_by_hand() -> None:
    """Zhejiang (unverified sheet, 2025-02): extra = 150 + (480 + 3 x 0.7219 x 42.83) = 150 + 572.76 = 722.76."""
    w = Worker(sex="male", born="1965-02", retired="2025-02", years=42.83, pre_account_years=16.25, avg_index=0.7219,
               transitional_index=0.9307, account=96678.71, divisor_months=139, base=8310)  # fmt: skip
    a = award(w, "zhejiang")
    assert a.extra == pytest.approx(722.76, abs=0.01)
    assert a.transitional == pytest.approx(1759.51, abs=0.01)
    assert a.total == pytest.approx(a.basic + a.account + a.transitional + a.extra)


def test_rules_fill_the_inputs_left_out() -> None:
    """A man born 1965-08 in Jiangxi: retirement 2025-10 at 60y2m (Tianjin's published check of the reform),
    divisor 139 - 7 x 2/12 = 137.83 -> 137.8, base 7054 (2025), deemed years 1984-10 -> 1995-10 = 11."""
    w = Worker(sex="male", born="1965-08", work_start="1984-10", years=41, avg_index=1.0, account=100000)
    a = award(w, "jiangxi")
    assert a.inputs["retired"] == "2025-10"
    assert a.inputs["divisor_months"] == 137.8
    assert a.inputs["base"] == 7054
    assert a.inputs["transitional_years"] == pytest.approx(11.0)
    assert a.basic == pytest.approx(7054 * 41 * 0.01)
    assert a.transitional == pytest.approx(7054 * 11 * 0.013)
    assert len(a.notes) == 3  # retirement month, divisor, deemed years: each choice is said


@pytest.mark.parametrize(
    "age, divisor", [(720, 139.0), (723, 137.3), (722, 137.8), (623, 185.4), (601, 194.6), (660, 170.0)]
)
def test_divisor_between_whole_ages(age: int, divisor: float) -> None:
    """Linear between whole ages, rounded half up to 0.1 month: the values printed on the Henan, Hubei and
    Liaoning sheets (60y3m 137.3, 60y2m 137.8, 51y11m 185.4, 50y1m 194.6)."""
    assert divisor_at(age, POLICY.account_divisors) == divisor


def test_account_from_history_by_hand() -> None:
    """Two full years at a monthly base of 5000 then 6000, 8% credited, rates 2023 3.97% and 2024 2.62%:

    - 2023: c = 0.08 x 5000 x 12 = 4800; K = 4800 + 4800 x 0.0397 x 13/24 = 4903.22
    - 2024: c = 5760; K = 4903.22 x 1.0262 + 5760 + 5760 x 0.0262 x 13/24 = 5031.68 + 5760 + 81.74 = 10873.42
    """
    from simulator.model.award import account_from_history
    from simulator.scenario.province_rules import load_account_rules

    nan = np.full(2, np.nan)
    k = account_from_history(
        np.array([2023, 2024]),
        np.array([5000.0, 6000.0]),
        np.array([12.0, 12.0]),
        nan,
        nan,
        2025 * 12 + 5,
        load_account_rules().account_share,
        POLICY.crediting_rate,
        [],
    )
    assert k == pytest.approx(10873.42, abs=0.01)


def test_later_retirement_never_lowers_the_pension() -> None:
    """Property: the same worker retiring later with one more year of contributions and a larger account gets more."""
    early = award(
        Worker(sex="male", born="1965-01", retired="2025-01", years=30, deemed_years=5, avg_index=1.0, account=100000),
        "hubei",
    )
    late = award(
        Worker(sex="male", born="1965-01", retired="2026-01", years=31, deemed_years=5, avg_index=1.0, account=110000),
        "hubei",
    )
    assert late.total > early.total


# ---------------------------------------------------------------- bad input: one message each


BAD = [
    (
        {"sex": "female", "born": "1975-10", "years": 20, "avg_index": 1, "account": 1},
        "--group: a woman's retirement group",
    ),
    ({"sex": "male", "born": "1965-13", "years": 20, "avg_index": 1, "account": 1}, "--born: bad month"),
    ({"sex": "male", "born": "1965-01", "years": 20, "avg_index": -1, "account": 1}, "--avg-index: -1 is out of range"),
    (
        {"sex": "male", "born": "1965-01", "years": 20, "avg_index": float("nan"), "account": 1},
        "--avg-index: nan is not a finite",
    ),
    ({"sex": "male", "born": "1965-01", "avg_index": 1, "account": 1}, "--years:"),
    ({"sex": "male", "born": "1965-01", "years": 20, "account": 1}, "--avg-index:"),
    ({"sex": "male", "born": "1965-01", "years": 20, "avg_index": 1}, "--account:"),
    ({"sex": "male", "years": 20, "avg_index": 1, "account": 1}, "--retired: give the retirement month"),
    (
        {"sex": "male", "born": "1965-01", "retired": "1964-01", "years": 20, "avg_index": 1, "account": 1},
        "--retired: 1964-01 is not after",
    ),
    (
        {"sex": "male", "group": "F50", "born": "1965-01", "years": 20, "avg_index": 1, "account": 1},
        "--group: F50 is not a group of male",
    ),
    (
        {
            "sex": "male",
            "born": "1965-01",
            "retired": "2019-01",
            "years": 20,
            "avg_index": 1,
            "account": 1,
            "deemed_years": 1,
        },
        "--base: the rules hold no",
    ),
    ({"sex": "male", "born": "1965-01", "years": 20, "avg_index": 1, "account": 1}, "--deemed-years: needed"),
    (
        {"sex": "male", "born": "1965-01", "years": 20, "deemed_years": 25, "avg_index": 1, "account": 1},
        "--deemed-years: 25 deemed years exceed",
    ),
    (
        {
            "sex": "male",
            "born": "1900-01",
            "retired": "1990-01",
            "years": 20,
            "avg_index": 1,
            "account": 1,
            "base": 100,
            "deemed_years": 0,
        },
        "--divisor-months: no divisor",
    ),
]


@pytest.mark.parametrize("kwargs, message", BAD, ids=[m.split(":")[0] + str(i) for i, (_, m) in enumerate(BAD)])
def test_bad_input(kwargs: dict, message: str) -> None:
    with pytest.raises(CalcError) as err:
        award(Worker(**kwargs), "jiangxi")
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_henan_without_city_is_refused() -> None:
    with pytest.raises(CalcError, match="--local-wage: 河南省's rules use the city's"):
        award(Worker(sex="male", born="1965-12", years=31, deemed_years=1, avg_index=0.7, account=1), "henan")


def test_unknown_province_is_refused() -> None:
    from simulator.scenario.province_rules import UnknownProvince

    with pytest.raises(UnknownProvince) as err:
        load_province_rules("beijing")
    assert str(err.value).startswith("--province beijing: no rules data for this province")


def test_every_shipped_rules_file_loads_with_sources() -> None:
    from simulator.scenario.province_rules import shipped_provinces

    assert {"jiangxi", "liaoning", "hubei", "zhejiang"} <= set(shipped_provinces())
    for province in shipped_provinces():
        rules = load_province_rules(province)
        assert rules.id == province
        assert rules.base.source and rules.transitional.rate.source and rules.basic.source
        assert all(add.source for add in rules.additions)
        for city in rules.cities.values():
            for table in (city.base, city.local_wage):
                assert table is None or table.source


def test_rules_file_unknown_key_is_one_line() -> None:
    from simulator.errors import ScenarioError

    with pytest.raises(ScenarioError) as err:
        load_province_rules(path=FIXTURES / "rules_unknown_key.yaml")
    assert "rules_unknown_key.yaml:4: transitional.coefficient: unknown key" in str(err.value)


def test_own_rules_file_extends_a_shipped_one() -> None:
    rules = load_province_rules(path=FIXTURES / "rules_own_base.yaml")
    a = calc_award(
        Worker(sex="male", retired="2026-03", years=30, deemed_years=0, avg_index=1, account=0, divisor_months=139),
        rules,
        POLICY.account_divisors,
        RETIREMENT,
    )
    assert a.inputs["base"] == 7200 and rules.base.values[0][1] == 6000


HISTORY_BAD = [
    ("history_bad_header.csv", ":1: (header): unknown column 'wage'"),
    ("history_not_number.csv", ":3: base: 'abc' is not a number"),
    ("history_decreasing.csv", ":3: year: 2023 does not follow 2024"),
    ("history_bad_months.csv", ":2: months: 13 is out of range"),
    ("missing.csv", ":1: (file): file not found"),
]


@pytest.mark.parametrize("name, message", HISTORY_BAD)
def test_history_bad_file(name: str, message: str) -> None:
    from simulator.errors import ScenarioError
    from simulator.io.history import read_history

    with pytest.raises(ScenarioError) as err:
        read_history(FIXTURES / name)
    assert message in str(err.value)


@pytest.mark.parametrize(
    "name, message",
    [
        ("history_before_1998.csv", "give a share column for 1995"),
        ("history_after_retirement.csv", "a row for 2030 is after the retirement year"),
    ],
)
def test_history_outside_the_rules(name: str, message: str) -> None:
    with pytest.raises(CalcError, match=message):
        from_history(name, retired="2025-01")


def from_history(name: str, **more):
    """A Jiangxi man born 1965-01 with 30 years, none deemed, index 1, and the account from a history file."""
    import simulator

    worker = {"sex": "male", "born": "1965-01", "years": 30, "deemed_years": 0, "avg_index": 1, **more}
    return simulator.calc_pension("jiangxi", history=FIXTURES / name, **worker)


def test_history_gives_the_account() -> None:
    a = from_history("history_good.csv", retired="2025-06", divisor_months=139)
    assert a.account == pytest.approx(10873.42 / 139, abs=0.001)
    with pytest.raises(CalcError, match="not both"):
        from_history("history_good.csv", account=5)


@pytest.mark.parametrize("province, kwargs, transitional", [
    ("guangdong", {"city": "惠州市", "sex": "male", "born": "1965-10", "retired": "2025-10", "years": 27.92, "deemed_years": 0.75,
                       "avg_index": 0.5938, "account": 84112.74, "divisor_months": 195, "base": 9307, "notional_account": 13615.08}, 321.46),
    ("shanghai", {"sex": "male", "born": "1963-04", "retired": "2023-04", "years": 26.5, "deemed_years": 1.42, "avg_index": 1.4038,
                      "account": 153165, "divisor_months": 139, "base": 11396, "notional_account": 60173}, 695.63),
    ("shanghai", {"sex": "male", "born": "1966-01", "retired": "2026-01", "years": 30.75, "deemed_years": 4.42, "avg_index": 1.8776,
                      "account": 414359, "divisor_months": 139, "base": 12434, "notional_account": 33716}, 940.47),
    ("hubei", {"city": "荆州市", "sex": "male", "born": "1966-04", "retired": "2026-04", "years": 41.5833, "deemed_years": 14.1667,
                   "avg_index": 0.8463, "account": 90001.62, "divisor_months": 139}, 1037.55),
])  # fmt: skip
def test_misses_close_with_the_sheets_other_inputs(province: str, kwargs: dict, transitional: float) -> None:
    """Four of the six misses are inputs cases.csv lacks: with the notional account printed on the sheet
    (Huizhou 13615.08, Shanghai 60173 and 33716) or the industry-pooled firm's deemed years (1984-10 to 1998-12
    = 14.1667), the transitional pension is within 1 yuan."""
    import simulator

    assert simulator.calc_pension(province, **kwargs).transitional == pytest.approx(transitional, abs=1.0)


def _rules_keys(model, prefix: str = "") -> list[str]:
    import typing

    from pydantic import BaseModel

    from simulator.scenario.load import _unwrap
    from simulator.scenario.params import Dated

    out = []
    for name, fld in model.model_fields.items():
        kind, path = _unwrap(fld.annotation), f"{prefix}{name}"
        if typing.get_origin(kind) is dict:
            kind, path = _unwrap(typing.get_args(kind)[1]), f"{path}.{ {'cities': 'CITY'}[name] }"
        if isinstance(kind, type) and issubclass(kind, BaseModel) and not issubclass(kind, Dated):
            out += _rules_keys(kind, path + ".")
        else:
            out.append(path)
    return out


def test_every_rules_key_is_documented() -> None:
    from simulator.scenario.province_rules import ProvinceRules

    text = (Path(__file__).resolve().parents[1] / "docs" / "calculator.md").read_text(encoding="utf-8")
    keys = _rules_keys(ProvinceRules)
    assert "cities.CITY.base" in keys
    missing = [
        k
        for k in keys
        if f"`{k}`" not in text
        and not any(f"`{k}`".startswith(f"`{d}.") for d in ("cities.CITY.basic", "cities.CITY.transitional"))
    ]
    assert not missing, f"undocumented keys in docs/calculator.md: {missing}"
