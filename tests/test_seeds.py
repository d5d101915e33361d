"""Tests of the plan seeds: every file validates, figures read by hand are there, bad input fails."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from simulator.io.seeds import (
    INDICATORS,
    SEEDS_DIR,
    Bound,
    Kind,
    Scheme,
    SeedError,
    SeedFile,
    SeedRecord,
    Unit,
    load_all_seeds,
    load_region_seeds,
    load_seeds,
    seed_table,
)

REPO = Path(__file__).resolve().parents[1]
SHARED_SEEDS = REPO.parent / "shared" / "seeds"  # the plans' text, outside the repository
REGIONS = {"jiangxi", "liaoning", "lingyuan", "huangshi", "zhoushan"}


def _values(region: str, scheme: str, indicator: str, year: int, kind: str) -> list[float]:
    seeds = load_region_seeds(region)
    return sorted(
        r.value for r in seeds.records
        if (r.scheme, r.indicator, r.year, r.kind) == (scheme, indicator, year, kind)
    )


def _preferred(region: str, scheme: str, indicator: str, year: int, kind: str) -> float:
    """The one value calibration should use (drops figures marked preferred: false)."""
    seeds = load_region_seeds(region)
    hits = [
        r.value for r in seeds.records
        if (r.scheme, r.indicator, r.year, r.kind) == (scheme, indicator, year, kind) and r.preferred is not False
    ]
    assert len(hits) == 1, hits
    return hits[0]


# --- every file validates, every region is there ---------------------------------------------

@pytest.mark.parametrize("path", sorted(SEEDS_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_every_seed_file_validates(path: Path) -> None:
    seeds = load_seeds(path)
    assert seeds.region_id == path.stem
    assert len(seeds.records) >= 5 or (seeds.document is None and len(seeds.official) >= 5)


def test_the_five_regions_are_present() -> None:
    """The five plans, one region each, and China with official figures only."""
    assert {p.stem for p in SEEDS_DIR.glob("*.yaml")} == REGIONS | {"china"}
    plans = {r: s for r, s in load_all_seeds().items() if s.document is not None}
    assert set(plans) == REGIONS
    assert len({s.document.seed_file for s in plans.values()}) == 5  # one plan per region, no file used twice


def test_official_figures_after_2020_are_for_backtests_only() -> None:
    """Every official record names its source and confidence; later years are marked for backtests."""
    for region, seeds in load_all_seeds().items():
        for o in seeds.official:
            assert o.source and o.confidence in "HML", (region, o)
            assert o.use == ("backtest" if o.year > 2020 else "calibration")


def test_unknown_region_is_an_error_listing_the_known_ones() -> None:
    with pytest.raises(SeedError, match="jiangxi"):
        load_region_seeds("atlantis")


# --- figures read by hand from the plans ----------------------------------------------------

@pytest.mark.parametrize(
    ("region", "scheme", "indicator", "year", "kind", "expected"),
    [
        # Jiangxi 專欄1: employee pension insured, 2015 base and 2020 value; 13th-plan target 1050
        ("jiangxi", "employee_pension", "insured", 2015, "actual", [823]),
        ("jiangxi", "employee_pension", "insured", 2020, "actual", [1167]),
        ("jiangxi", "employee_pension", "insured", 2020, "target", [1050]),
        # Jiangxi 專欄1: residents pension 1830 -> 2078; registered unemployment 3.35 -> 3.15
        ("jiangxi", "resident_pension", "insured", 2020, "actual", [2078]),
        ("jiangxi", "employment", "registered_unemployment_rate", 2015, "actual", [3.35]),
        # Jiangxi 專欄2: UI and WI insured targets for 2025 (binding)
        ("jiangxi", "unemployment", "insured", 2025, "target", [311]),
        ("jiangxi", "work_injury", "insured", 2025, "target", [565]),
        # Jiangxi 一(一) prose: enterprise retirees' average pension 2405 yuan/month in 2020
        ("jiangxi", "employee_pension", "average_pension", 2020, "actual", [2405]),
        # Liaoning 专栏1: employee pension 2049.1 (2020), UI 677 -> 687, new jobs >210 over 2021-2025
        ("liaoning", "employee_pension", "insured", 2020, "actual", [2049.1]),
        ("liaoning", "unemployment", "insured", 2025, "target", [687]),
        ("liaoning", "employment", "new_urban_jobs", 2025, "cumulative_target", [210]),
        # Lingyuan 一.4: UI enrolment to reach 3 (10k) by 2025
        ("lingyuan", "unemployment", "insured", 2025, "target", [3]),
        # Huangshi 一(五): on-post average wage 41450 (2015) and 60892 (2020) yuan/year
        ("huangshi", "wages", "average_wage", 2015, "actual", [41450]),
        ("huangshi", "wages", "average_wage", 2020, "actual", [60892]),
        # Huangshi 一(二): basic pension insured 177.9 (10k) at end-2020
        ("huangshi", "pension_all", "insured", 2020, "actual", [177.9]),
        # Zhoushan 一(一)2(6): all-fund revenue 224.84, expenditure 167.14 over 2011-2015; balance 81.13
        ("zhoushan", "other", "revenue_all_schemes", 2015, "cumulative", [224.84]),
        ("zhoushan", "other", "expenditure_all_schemes", 2015, "cumulative", [167.14]),
        ("zhoushan", "other", "balance_all_schemes", 2015, "actual", [81.13]),
        # Zhoushan 一(一)2(4): enterprise retirees' pension 1879 (2011) and 2193 (2015)
        ("zhoushan", "employee_pension", "average_pension", 2015, "actual", [2193]),
    ],
)
def test_spot_figures(region, scheme, indicator, year, kind, expected) -> None:
    assert _values(region, scheme, indicator, year, kind) == pytest.approx(expected)


def test_totals_equal_their_parts() -> None:
    # Jiangxi: basic pension 3245 (一(一)) = employee 1167 + residents 2078 (專欄1)
    total = _values("jiangxi", "pension_all", "insured", 2020, "actual")[0]
    parts = sum(_values("jiangxi", s, "insured", 2020, "actual")[0] for s in ("employee_pension", "resident_pension"))
    assert total == pytest.approx(parts) == 3245
    # Liaoning 专栏1: employee scheme = enterprise + public institutions, 2020 and 2025
    for year, kind in ((2020, "actual"), (2025, "target")):
        total = _values("liaoning", "employee_pension", "insured", year, kind)[0]
        parts = (_values("liaoning", "employee_pension", "insured_enterprise", year, kind)[0]
                 + _values("liaoning", "employee_pension", "insured_public_institutions", year, kind)[0])
        assert total == pytest.approx(parts)


def test_cumulative_records_carry_their_period() -> None:
    table = seed_table(load_all_seeds().values())
    cum = table[table["kind"].isin(["cumulative", "cumulative_target"])]
    assert len(cum) > 20
    assert cum["period"].notna().all()
    assert (cum["period"].str[-4:].astype(int) == cum["year"]).all()
    assert table.loc[~table.index.isin(cum.index), "period"].isna().all()


# --- the Zhoushan 2015 enrolment conflict ----------------------------------------------------

SET_A = {"pension_all": 76.88, "medical": 95.69, "unemployment": 21.30, "work_injury": 30.37}
SET_B = {"pension_all": 73.66, "medical": 94.9, "unemployment": 21.09, "work_injury": 29.35}


@pytest.mark.parametrize("scheme", sorted(SET_A))
def test_zhoushan_keeps_both_2015_sets_and_prefers_set_a(scheme: str) -> None:
    values = _values("zhoushan", scheme, "insured", 2015, "actual")
    assert SET_A[scheme] in values and SET_B[scheme] in values
    assert _preferred("zhoushan", scheme, "insured", 2015, "actual") == SET_A[scheme]
    records = [r for r in load_region_seeds("zhoushan").records
               if (r.scheme, r.indicator, r.year) == (scheme, "insured", 2015)]
    assert all(r.conflict == "zhoushan_2015_enrolment" and "onflict" in (r.note or "") for r in records)


def test_zhoushan_maternity_and_the_third_ui_figure() -> None:
    assert _values("zhoushan", "other", "maternity_insured", 2015, "actual") == [19.7, 20.71]
    assert _preferred("zhoushan", "other", "maternity_insured", 2015, "actual") == 20.71
    # the employment section gives a third 2015 UI figure, 21.2, kept but not preferred
    assert _values("zhoushan", "unemployment", "insured", 2015, "actual") == [21.09, 21.2, 21.30]


def test_zhoushan_preferred_ui_figure_fits_the_2011_2015_series() -> None:
    """16.5 (end-2010, rounded to 0.1) + 47621 new enrolments in 2011-2015 gives 21.21-21.31 (10k)."""
    start = _values("zhoushan", "unemployment", "insured", 2010, "actual")[0]
    new = _values("zhoushan", "unemployment", "insured_new", 2015, "cumulative")[0] / 10_000
    low, high = start - 0.05 + new, start + 0.05 + new
    assert low <= _preferred("zhoushan", "unemployment", "insured", 2015, "actual") <= high
    assert not low <= SET_B["unemployment"] <= high


# --- the figures are in the plans' text -------------------------------------------------------

@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="the plans' text (../shared/seeds) is not available")
@pytest.mark.parametrize("region", sorted(REGIONS))
def test_every_value_is_written_in_its_plan(region: str) -> None:
    seeds = load_region_seeds(region)
    text = (SHARED_SEEDS / seeds.document.seed_file).read_text(encoding="utf-8")
    missing = []
    for r in seeds.records:
        number = f"{r.value:f}".rstrip("0").rstrip(".")
        if not re.search(rf"(?<![0-9.]){re.escape(number)}0*(?![0-9])", text):
            missing.append((r.scheme, r.indicator, r.year, number))
    assert not missing


# --- the vocabulary is documented -------------------------------------------------------------

def test_docs_define_every_indicator_scheme_unit_and_kind() -> None:
    docs = (REPO / "docs" / "seeds.md").read_text(encoding="utf-8")
    names = set(INDICATORS).union(*(typing.get_args(t) for t in (Scheme, Unit, Kind, Bound)))
    undocumented = sorted(n for n in names if f"`{n}`" not in docs)
    assert not undocumented


def test_seed_table_has_one_row_per_record() -> None:
    seeds = load_region_seeds("liaoning")
    table = seed_table(seeds)
    assert len(table) == len(seeds.records)
    assert {"region", "scheme", "indicator", "year", "value", "unit", "kind", "period"} <= set(table.columns)
    assert set(table["region"]) == {"liaoning"}


# --- bad input fails --------------------------------------------------------------------------

GOOD = {
    "region": "jiangxi", "scheme": "unemployment", "indicator": "insured", "year": 2020, "value": 292,
    "unit": "10k_persons", "kind": "actual", "seed_file": "000_4e6f2a6d82c4c752.txt", "section": "專欄1",
}
DOC = {
    "seed_file": "000_4e6f2a6d82c4c752.txt", "region": "jiangxi", "region_name": "江西省",
    "title": "t", "period": "2021-2025", "source": "s",
}


def test_the_good_record_is_good() -> None:
    SeedFile.model_validate({"document": DOC, "records": [GOOD]})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"unit": "10k_people"}, "unit"),
        ({"colour": "red"}, "colour"),
        ({"scheme": "pension"}, "scheme"),
        ({"kind": "estimate"}, "kind"),
        ({"indicator": "insured_people"}, "vocabulary"),
        ({"indicator": "coverage_rate", "unit": "percent", "value": 101}, r"outside \[0, 100\]"),
        ({"indicator": "coverage_rate", "unit": "10k_persons"}, "percent"),
        ({"kind": "cumulative", "note": "five-year total"}, "period"),
        ({"kind": "cumulative", "note": "2016-2019 total"}, "does not end in year 2020"),
        ({"conflict": "x"}, "together"),
        ({"bound": "lower"}, "note"),
        ({"year": 1999}, "year"),
        ({"seed_file": "jiangxi.txt"}, "seed_file"),
    ],
)
def test_bad_record_fails(change: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        SeedRecord.model_validate({**GOOD, **change})


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ([{**GOOD, "region": "liaoning"}], "differ from the document"),
        ([GOOD, dict(GOOD)], "duplicate records"),
        ([{**GOOD, "conflict": "c", "preferred": True}, {**GOOD, "value": 291, "conflict": "c", "preferred": True}],
         "exactly one preferred"),
        ([{**GOOD, "conflict": "c", "preferred": True}], "two or more"),
        ([], "at least one record"),
    ],
)
def test_bad_file_fails(records: list, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        SeedFile.model_validate({"document": DOC, "records": records})


def test_records_are_frozen() -> None:
    record = SeedRecord.model_validate(GOOD)
    with pytest.raises(ValidationError):
        record.value = 1  # type: ignore[misc]


def test_load_seeds_names_the_file_and_refuses_duplicate_keys(tmp_path: Path) -> None:
    bad = tmp_path / "jiangxi.yaml"
    bad.write_text(yaml.safe_dump({"document": DOC, "records": [{**GOOD, "unit": "wan"}]}, allow_unicode=True),
                   encoding="utf-8")
    with pytest.raises(SeedError, match=r"(?s)jiangxi\.yaml.*records\.0\.unit"):
        load_seeds(bad)
    dup = tmp_path / "dup.yaml"
    dup.write_text("document: {}\ndocument: {}\nrecords: []\n", encoding="utf-8")
    with pytest.raises(SeedError, match="duplicate key 'document'"):
        load_seeds(dup)
    with pytest.raises(SeedError, match="expected 'liaoning'"):
        (tmp_path / "liaoning.yaml").write_text(
            yaml.safe_dump({"document": DOC, "records": [GOOD]}, allow_unicode=True), encoding="utf-8")
        load_region_seeds("liaoning", root=tmp_path)
