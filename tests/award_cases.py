"""The real award sheets of ``tests/fixtures/award_cases/cases.csv`` as calculator inputs.

The CSV is a copy of ``../shared/data/award_cases/cases.csv`` (figures gathered from award sheets
published by retirees and agencies, see the README there); ``test_calc_pension`` checks that the copy
is current where the shared folder exists.
"""

from __future__ import annotations

import csv
from pathlib import Path

from simulator.model.award import Worker

CASES = Path(__file__).resolve().parent / "fixtures" / "award_cases" / "cases.csv"
SHARED_CASES = Path(__file__).resolve().parents[2] / "shared" / "data" / "award_cases" / "cases.csv"
PARTS = ("basic", "account", "transitional")

# Cities named by the case id (the sheet's city) where the city column is empty.
CITY_OF_CASE = {
    "henan-kaifeng-gulou-2026": "开封市",
    "henan-xinxiang-2026": "新乡市",
    "henan-zhengzhou-2026-02-highindex": "郑州市",
    "henan-zhengzhou-2025-12-normal": "郑州市",
    "henan-pingdingshan-2024-11": "平顶山市",
    "henan-luoyang-2025": "洛阳市",
    "henan-xinyang-2025": "信阳市",
    "hubei-jingzhou-hangyetongchou-2026-04": "荆州市",
    "hubei-jingzhou-2026-05-real": "荆州市",
    "hubei-shiyan-2026": "十堰市",
}


def rows(verified_only: bool = True) -> list[dict[str, str]]:
    with CASES.open(encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["verified"] == "yes" or not verified_only]


def case_id(row: dict[str, str]) -> str:
    return f"{row['province']}/{row['case']}/{row['source_path'].rsplit('/', 1)[-1]}"


def _num(text: str) -> float | None:
    return float(text) if text.strip() else None


def worker(row: dict[str, str]) -> Worker:
    """The sheet's inputs as the calculator takes them (nothing of its outputs)."""
    return Worker(
        sex=row["sex"] or None,
        born=row["born"] or None,
        work_start=row["work_start"] or None,
        retired=row["retired"] or None,
        years=_num(row["total_years"]),
        deemed_years=_num(row["deemed_years"]),
        pre_account_years=_num(row["pre_account_years"]),
        avg_index=_num(row["avg_index"]),
        transitional_index=_num(row["transitional_index"]),
        account=_num(row["account_balance"]),
        divisor_months=_num(row["divisor_months"]),
        base=_num(row["base_number"]),
        base_province=_num(row["base_province"]),
        city=(row["city"] or CITY_OF_CASE.get(row["case"])) or None,
    )
