"""`sim report`: a self-contained report.html (no network) whose plots show in a browser."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess

import numpy as np
import pytest
from typer.testing import CliRunner

from simulator.cli import app
from simulator.io.writers import write_results
from tests.outputs_support import PNG_SIGNATURE, assert_drawn, image, one_line_error, results

runner = CliRunner()


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """(folder, html) of a report on the Jiangxi results."""
    folder = write_results(results(), tmp_path_factory.mktemp("report") / "jiangxi")
    result = runner.invoke(app, ["report", str(folder), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "report.html" in result.stdout
    return folder, (folder / "report.html").read_text(encoding="utf-8")


def test_report_is_self_contained(report) -> None:
    _, html = report
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    assert not re.search(r"<(link|script|iframe)\b", html, re.IGNORECASE)  # no external CSS or JS
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:|//)", html, re.IGNORECASE)  # nothing fetched
    assert not re.search(r"url\(", html)
    sources = re.findall(r"<img\b[^>]*\bsrc=\"([^\"]+)\"", html)
    assert len(sources) == 4  # fund gap, enrolment, dependency, pyramid
    for src in sources:
        assert src.startswith("data:image/png;base64,")
        data = base64.b64decode(src.split(",", 1)[1], validate=True)
        assert data[:8] == PNG_SIGNATURE
        assert_drawn(data)


def test_report_tells_what_was_run(report) -> None:
    _, html = report
    ds = results()
    for text in (
        ds.attrs["scenario"],
        ds.attrs["scenario_sha256"],
        ds.attrs["description"],
        "calibration",
        "employee_pension",
        "fund balance (亿元)",
        "万人 = 10,000 persons",
        "summary.csv",
    ):
        assert text in html, text
    depletion = int(ds["depletion_year"].sel(scheme="employee_pension"))
    assert f"fund depleted in {depletion}" in html


def test_report_is_not_replaced_silently(report) -> None:
    folder, html = report
    assert "report.html exists (use --force" in one_line_error(runner.invoke(app, ["report", str(folder)]))
    assert (folder / "report.html").read_text(encoding="utf-8") == html
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == [".sim-output"]  # no temporary left


def test_report_of_a_bad_folder_is_one_line(tmp_path) -> None:
    assert "not a results folder" in one_line_error(runner.invoke(app, ["report", str(tmp_path)]))
    assert list(tmp_path.iterdir()) == []


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None, reason="no chromium or chromium-browser on PATH to render the report")
def test_report_renders_with_its_plots_in_chromium(report, tmp_path) -> None:
    folder, _ = report
    shot = tmp_path / "shot.png"
    command = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--window-size=1280,6000",
        f"--screenshot={shot}",
        (folder / "report.html").resolve().as_uri(),
    ]
    subprocess.run(command, capture_output=True, timeout=120, check=False)
    assert shot.is_file(), "chromium made no screenshot"
    pixels = image(shot)[..., :3]
    assert float(pixels.std()) > 0.02  # not blank
    # the page itself is black, grey and white; colour comes only from the plots' lines and bars
    saturation = pixels.max(axis=2) - pixels.min(axis=2)
    assert int(np.count_nonzero(saturation > 0.3)) > 5_000, "no plot visible"
