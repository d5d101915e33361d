"""Seeds: the figures of the five regional plans and the official history, as validated data.

``seeds/<region>.yaml`` holds, for one plan in ``shared/seeds/``, every
quantitative indicator a projection can use (enrolment, coverage, employment,
wages, benefit levels, fund flows and balances, contribution rates, targets),
each with its year, unit, kind (actual / target / cumulative / cumulative
target) and the section of the plan it was read from. Values keep the plan's
own unit; nothing is converted or derived. Where a plan contradicts itself the
competing figures are all kept and share a ``conflict`` id, and ``preferred``
marks the one calibration should use. The vocabulary is in ``docs/seeds.md``.

Beside the plan's records, ``official`` holds figures of official statistics
(yearbooks, bulletins, budgets, notices), each with its document, address,
confidence, scope and the model variable it measures. Figures after
:data:`CALIBRATION_LAST_YEAR` are kept for backtests only: calibration refuses them.

    seeds = load_region_seeds("jiangxi")
    table = seed_table(seeds)            # one row per record
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from simulator.scenario.calibration import CALIBRATION_LAST_YEAR

if TYPE_CHECKING:  # pragma: no cover
    import pandas

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"

Scheme = Literal[
    "employee_pension", "resident_pension", "pension_all", "unemployment", "work_injury",
    "medical", "employment", "wages", "population", "other",
]
Unit = Literal[
    "persons", "10k_persons", "yuan", "100m_yuan", "10k_yuan", "yuan_per_month", "yuan_per_year",
    "percent", "ratio", "count", "years", "months",
]
Kind = Literal["actual", "target", "cumulative", "cumulative_target"]
Bound = Literal["lower", "upper", "approx"]
Scope = Literal["scheme", "all_members", "enterprise", "public_institutions"]
Confidence = Literal["H", "M", "L"]
DIFFERENCES = frozenset({"current_balance", "revenue_minus_expenditure", "pooling_net"})  # may be negative

# The controlled indicator vocabulary; each name is defined in docs/seeds.md.
INDICATORS: frozenset[str] = frozenset({
    # people
    "insured", "insured_enterprise", "insured_public_institutions", "insured_new", "insured_growth_total",
    "insured_poor_persons", "beneficiaries_poor_persons", "contributors", "retirees", "beneficiaries",
    "recipients", "coverage_rate", "coverage_rate_construction_projects", "landless_farmers_transferred",
    "landless_farmers_transfer_share", "veterans_enrolled", "maternity_insured", "maternity_insured_new",
    "maternity_insured_growth_total",
    # benefits
    "average_pension", "average_pension_growth_total", "pension_indexation_rate", "basic_pension_minimum",
    "basic_pension_standard", "basic_pension_standard_growth_annual", "basic_pension_standard_growth_total",
    "basic_pension_average", "basic_pension_average_growth_total", "benefit", "benefit_to_minimum_wage",
    "contribution_tier_added",
    # money
    "revenue", "expenditure", "balance", "revenue_all_schemes", "expenditure_all_schemes",
    "balance_all_schemes", "balance_pension_ui_wi", "contribution_relief", "premiums_paid_by_government",
    "job_stabilisation_subsidies", "job_stabilisation_and_skills_subsidies", "jobs_stabilised",
    "provincial_transfer_received", "occupational_annuity_fund", "new_balance_invested_share",
    # rates
    "employer_rate", "employee_rate", "contribution_rate", "pooled_fund_rate",
    # labour market
    "new_urban_jobs", "registered_unemployment_rate", "surveyed_unemployment_rate", "urban_employment_share",
    "labour_productivity_growth_annual", "reemployed_unemployed", "reemployed_hard_to_employ",
    "rural_labour_transferred", "entrepreneurs_supported", "jobs_from_entrepreneurship",
    # wages
    "average_wage", "average_wage_growth_annual", "minimum_wage", "minimum_wage_growth_total",
    # official statistics (records under `official`)
    "insured_employees", "retirees_both_schemes", "contributions", "current_balance", "revenue_minus_expenditure", "fund_ratio",
    "pooling_net", "fiscal_subsidy", "benefit_base",
    # population and other
    "registered_population", "new_residents_attracted", "graduates_attracted", "working_age_schooling_years",
    "dibao_urban_rural_ratio",
})

_PERIOD = re.compile(r"\b((?:19|20)\d\d)-((?:19|20)\d\d)\b")
_STRICT = ConfigDict(extra="forbid", frozen=True)


class SeedError(ValueError):
    """A seed file that cannot be read or does not validate; the message names the file."""


class SeedRecord(BaseModel):
    """One figure of one plan."""

    model_config = _STRICT

    region: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    scheme: Scheme
    indicator: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    year: int = Field(ge=2000, le=2035)
    value: float
    unit: Unit
    kind: Kind
    seed_file: str = Field(pattern=r"^\d{3}_[0-9a-f]{16}\.txt$")
    section: str = Field(min_length=1)
    note: str | None = None
    bound: Bound | None = None  # the plan gives ">=", "<=" or "about" rather than a point value
    conflict: str | None = None  # id shared by figures of one plan that disagree
    preferred: bool | None = None  # within a conflict: the figure calibration should use

    @model_validator(mode="after")
    def _check(self) -> SeedRecord:
        if self.indicator not in INDICATORS:
            raise ValueError(f"indicator {self.indicator!r} is not in the vocabulary (see docs/seeds.md)")
        growth = "_growth_" in self.indicator
        if (growth or self.indicator.endswith(("_rate", "_share"))) and self.unit != "percent":
            raise ValueError(f"indicator {self.indicator!r} must be in percent, not {self.unit!r}")
        if self.unit == "percent" and not growth and not 0 <= self.value <= 100:
            raise ValueError(f"percent value {self.value} is outside [0, 100]")
        if growth and self.value <= -100:
            raise ValueError(f"growth of {self.value}% is impossible")
        if self.unit != "percent" and self.value < 0:
            raise ValueError(f"negative {self.unit} value {self.value}")
        if self.kind in ("cumulative", "cumulative_target"):
            period = _PERIOD.search(self.note or "")
            if period is None:
                raise ValueError(f"a {self.kind} record needs its period (e.g. '2016-2020') in note")
            if int(period.group(2)) != self.year:
                raise ValueError(f"period {period.group(0)} in note does not end in year {self.year}")
        if (self.conflict is None) != (self.preferred is None):
            raise ValueError("conflict and preferred go together: set both or neither")
        if self.bound is not None and not self.note:
            raise ValueError("a bounded value needs a note saying what the plan states")
        return self

    @property
    def period(self) -> str | None:
        """'YYYY-YYYY' for cumulative kinds, else None."""
        if self.kind not in ("cumulative", "cumulative_target"):
            return None
        return _PERIOD.search(self.note or "").group(0)  # type: ignore[union-attr]


class OfficialRecord(BaseModel):
    """One figure of official statistics, with its document and the model variable it measures."""

    model_config = _STRICT

    scheme: Scheme
    indicator: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    variable: str | None = Field(None, pattern=r"^[a-z][a-z0-9_]*([+-][a-z][a-z0-9_]*)*$")
    scope: Scope = "scheme"
    year: int = Field(ge=2000, le=2035)
    value: float = Field(allow_inf_nan=False)
    unit: Unit
    bound: Literal["lower", "upper"] | None = None
    source: str = Field(min_length=1)
    url: str | None = None
    confidence: Confidence
    derived: str | None = None  # the arithmetic, when the figure is worked out from others
    note: str | None = None

    @model_validator(mode="after")
    def _check(self) -> OfficialRecord:
        if self.indicator not in INDICATORS:
            raise ValueError(f"indicator {self.indicator!r} is not in the vocabulary (see docs/seeds.md)")
        if self.variable is not None:
            from simulator.variables import VARIABLES

            units = {SEED_UNITS.get(self.unit, (None,))[0]}
            for term in re.split(r"[+-]", self.variable):
                if term not in VARIABLES:
                    raise ValueError(f"variable {term!r} is not an output variable (simulator/variables.py)")
                units.add(VARIABLES[term].units)
            if len(units) != 1:
                raise ValueError(f"unit {self.unit} does not measure {self.variable} ({sorted(map(str, units))})")
        if self.value < 0 and self.indicator not in DIFFERENCES:
            raise ValueError(f"negative value {self.value} (only a difference may be negative: {', '.join(sorted(DIFFERENCES))})")
        return self

    @property
    def use(self) -> str:
        return "calibration" if self.year <= CALIBRATION_LAST_YEAR else "backtest"


class SeedDocument(BaseModel):
    """The plan a seed file was read from."""

    model_config = _STRICT

    seed_file: str = Field(pattern=r"^\d{3}_[0-9a-f]{16}\.txt$")
    region: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    region_name: str = Field(min_length=1)
    title: str = Field(min_length=1)
    period: str = Field(pattern=r"^\d{4}-\d{4}$")
    source: str = Field(min_length=1)


class SeedFile(BaseModel):
    """A whole ``seeds/<region>.yaml`` file."""

    model_config = _STRICT

    region: str | None = Field(None, pattern=r"^[a-z][a-z0-9_]*$")  # when there is no plan document
    document: SeedDocument | None = None
    records: tuple[SeedRecord, ...] = ()
    official: tuple[OfficialRecord, ...] = ()

    @property
    def region_id(self) -> str:
        return self.document.region if self.document is not None else str(self.region)

    @model_validator(mode="after")
    def _cross_check(self) -> SeedFile:
        doc = self.document
        if doc is None:
            if self.region is None or self.records:
                raise ValueError("a seed file without a plan document needs `region` and no plan records")
            if not self.official:
                raise ValueError("a seed file needs at least one record")
            return self
        if self.region is not None and self.region != doc.region:
            raise ValueError(f"region {self.region!r} differs from the document's {doc.region!r}")
        if not self.records:
            raise ValueError("a seed file needs at least one record")
        for i, r in enumerate(self.records):
            if r.region != doc.region or r.seed_file != doc.seed_file:
                raise ValueError(
                    f"records[{i}] ({r.scheme}.{r.indicator} {r.year}): region/seed_file "
                    f"{r.region}/{r.seed_file} differ from the document's {doc.region}/{doc.seed_file}"
                )
        keys = Counter((r.scheme, r.indicator, r.year, r.kind, r.value, r.section) for r in self.records)
        dups = [k for k, n in keys.items() if n > 1]
        if dups:
            raise ValueError(f"duplicate records (scheme, indicator, year, kind, value, section): {dups}")
        groups: dict[tuple, list[SeedRecord]] = {}
        for r in self.records:
            if r.conflict is not None:
                groups.setdefault((r.conflict, r.scheme, r.indicator, r.year, r.kind), []).append(r)
        for key, members in groups.items():
            n_pref = sum(bool(m.preferred) for m in members)
            if len(members) < 2 or n_pref != 1:
                raise ValueError(
                    f"conflict {key}: needs two or more figures and exactly one preferred "
                    f"(has {len(members)} figures, {n_pref} preferred)"
                )
        return self


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses duplicate mapping keys."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_seeds(path: str | Path) -> SeedFile:
    """Read and validate one seed file; raise :class:`SeedError` naming the file on any problem."""
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # noqa: S506
        return SeedFile.model_validate(data)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise SeedError(f"{path}: {exc}") from exc


def load_region_seeds(region: str, root: Path | None = None) -> SeedFile:
    """Load ``<root>/<region>.yaml`` (root defaults to the repository's ``seeds/``)."""
    root = SEEDS_DIR if root is None else Path(root)
    path = root / f"{region}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in root.glob("*.yaml"))
        raise SeedError(f"{path}: no seed file for region {region!r}; available: {known}")
    seeds = load_seeds(path)
    if seeds.region_id != region:
        raise SeedError(f"{path}: the file's region is {seeds.region_id!r}, expected {region!r}")
    return seeds


def load_all_seeds(root: Path | None = None) -> dict[str, SeedFile]:
    """Every ``*.yaml`` under ``root``, keyed by region."""
    root = SEEDS_DIR if root is None else Path(root)
    return {s.region_id: s for s in map(load_seeds, sorted(root.glob("*.yaml")))}


def seed_table(seed_file: SeedFile | Iterable[SeedFile]) -> pandas.DataFrame:
    """One row per record (of one file or several), with the plan's period and a ``period`` column."""
    import pandas as pd

    files = [seed_file] if isinstance(seed_file, SeedFile) else list(seed_file)
    rows = [
        {**r.model_dump(), "period": r.period, "plan_period": f.document.period}
        for f in files
        if f.document is not None
        for r in f.records
    ]
    columns = [*SeedRecord.model_fields, "period", "plan_period"]
    return pd.DataFrame(rows, columns=columns)




# ---------------------------------------------------------------- figures matched to model variables

# seed unit -> (model units, factor to model units)
SEED_UNITS: dict[str, tuple[str, float]] = {
    "persons": ("persons", 1.0), "10k_persons": ("persons", 1e4), "yuan": ("yuan", 1.0), "100m_yuan": ("yuan", 1e8),
    "10k_yuan": ("yuan", 1e4), "yuan_per_month": ("yuan/month", 1.0), "yuan_per_year": ("yuan", 1.0),
    "percent": ("1", 0.01), "ratio": ("1", 1.0),
}  # fmt: skip
# plan indicators whose model variable has another name, by (scheme, indicator): the plans' average employee pension
# is the enterprise retirees' (Jiangxi's plan says so; where a region has no public-institution sector the two agree)
INDICATOR_VARIABLES = {
    ("unemployment", "benefit"): "monthly_benefit",
    ("employee_pension", "insured_enterprise"): "enterprise_insured",
    ("employee_pension", "insured_public_institutions"): "public_insured",
    ("employee_pension", "average_pension"): "enterprise_average_pension",
}
FIGURE_COLUMNS = [
    "scheme", "indicator", "variable", "year", "value", "units", "kind", "bound", "source", "origin", "scope", "confidence",
]  # fmt: skip


def figures(
    region: str, kinds: tuple[str, ...] = ("actual", "target"), root: Path | None = None, official: bool = True
) -> pandas.DataFrame:
    """The one matcher of published figures to model variables: the region's plan records of ``kinds``
    (of figures that conflict, the preferred one) and, with ``official``, its official figures (kind
    ``actual``), in model units, columns :data:`FIGURE_COLUMNS`. ``variable`` is the model expression
    the figure measures (a registry variable, or a sum or difference of them), else None; ``origin`` is
    ``plan`` or ``official``. Empty when the region has no seed file."""
    import pandas as pd

    from simulator.variables import VARIABLES

    try:
        seeds = load_region_seeds(region, root)
    except SeedError:
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    rows = []
    for r in seeds.records:
        if r.kind not in kinds or r.preferred is False or r.unit not in SEED_UNITS:
            continue
        units, factor = SEED_UNITS[r.unit]
        name = INDICATOR_VARIABLES.get((r.scheme, r.indicator), r.indicator)
        variable = name if name in VARIABLES and VARIABLES[name].units == units else None
        source = f"seeds/{region}.yaml: {r.seed_file} {r.section}"
        rows.append((r.scheme, r.indicator, variable, r.year, r.value * factor, units, r.kind, r.bound, source, "plan", "scheme", "H"))
    plan_figures = {(r[0], r[2], r[3], round(r[4], 6)) for r in rows}
    if official and "actual" in kinds:
        for o in seeds.official:
            if o.unit not in SEED_UNITS:
                continue
            if (o.scheme, o.variable, o.year, round(o.value * SEED_UNITS[o.unit][1], 6)) in plan_figures:
                continue  # the plan's own figure, restated
            units, factor = SEED_UNITS[o.unit]
            source = f"seeds/{region}.yaml official: {o.source}"
            rows.append((o.scheme, o.indicator, o.variable, o.year, o.value * factor, units, "actual", o.bound, source,
                         "official", o.scope, o.confidence))  # fmt: skip
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS)


def expression_terms(scheme: str, expression: str, year: int) -> tuple[tuple[float, str, str, int], ...]:
    """(sign, scheme, variable, year) of each term of a figure's model expression (``a``, ``a+b``, ``a-b``)."""
    out, sign = [], 1.0
    for token in re.split(r"([+-])", expression):
        if token in ("+", "-"):
            sign = 1.0 if token == "+" else -1.0
        elif token:
            out.append((sign, scheme, token, year))
    return tuple(out)


def figures_in(ds, kinds: tuple[str, ...] = ("actual", "target"), root: Path | None = None, official: bool = True) -> pandas.DataFrame:
    """:func:`figures` of the results' region whose model expression ``ds`` has for the figure's scheme and
    year (every term a (scheme, year) variable of ``ds``)."""
    table = figures(str(ds.attrs.get("region", "")), kinds, root, official)
    if table.empty:
        return table
    years, schemes = set(ds["year"].values.tolist()), set(map(str, ds["scheme"].values))

    def present(expression) -> bool:
        return isinstance(expression, str) and all(t in ds and "scheme" in ds[t].dims for t in re.split(r"[+-]", expression))

    keep = [present(v) and s in schemes and y in years for s, v, y in zip(table["scheme"], table["variable"], table["year"])]
    return table[keep].reset_index(drop=True)


__all__ = [
    "INDICATORS", "SEEDS_DIR", "Bound", "Kind", "Scheme", "SeedDocument", "SeedError", "SeedFile", "SeedRecord", "Unit",
    "load_all_seeds", "load_region_seeds", "load_seeds", "seed_table", "SEED_UNITS", "figures", "figures_in", "expression_terms",
    "OfficialRecord", "CALIBRATION_LAST_YEAR",
]
