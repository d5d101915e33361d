"""The registry of output variables: one entry per name the model writes, read by the model (to
label its results), the writers, the tables, the plots, ``sim compare`` and the report.

Each :class:`Variable` has a unit, a kind (``stock`` at year end, ``flow`` during the year,
``level`` in force during the year, ``ratio``, ``horizon`` one value over the projection), for money
the side of the fund's accounts it sits on (``revenue`` or ``expenditure``, ``net`` for a
difference; the ledger adds each side up), an English and a Chinese label as actuaries in China
use them, a description, and a description per scheme where the meaning differs.

Sign convention: every amount is positive in the direction its name says (contributions received,
benefits paid); balances and differences are revenue minus expenditure (negative = deficit).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["stock", "flow", "level", "ratio", "horizon"]
Side = Literal["", "revenue", "expenditure", "net"]

EP, RP, UI, WI = "employee_pension", "resident_pension", "unemployment", "work_injury"
_OWN_BASE_NONE = "against the employee pension's wage bill (the region's covered payroll): the scheme has no wage base"


@dataclass(frozen=True)
class Variable:
    name: str
    units: str  # persons, yuan, yuan/month, 1, year, years
    kind: Kind
    en: str  # short label for tables and plots
    zh: str
    description: str
    side: Side = ""
    schemes: dict[str, str] = field(default_factory=dict)  # scheme: what the variable means there

    def description_for(self, scheme: str | None) -> str:
        return self.schemes.get(scheme or "", self.description)

    def label(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en


def _v(name, units, kind, en, zh, description, side="", **schemes) -> Variable:
    return Variable(name, units, kind, en, zh, description, side, schemes)


_ALL = [
    # ---------------------------------------------------------------- people, every scheme
    _v("insured", "persons", "stock", "insured", "参保人数", "insured persons at year end",
       employee_pension="contributors + dormant members + retirees",
       resident_pension="participants aged 16-59 + beneficiaries",
       unemployment="insured: coverage x urban employment below the statutory retirement age",
       work_injury="insured: coverage x urban employment below the statutory retirement age"),
    _v("contributors", "persons", "stock", "contributors", "缴费人数", "persons who contributed",
       employee_pension="active contributors at year end",
       resident_pension="participants who paid in the year (participants x contribution density)",
       unemployment="contributors at year end (= insured; employers and employees pay)",
       work_injury="insured at year end on whose wages employers pay (= insured; employees pay nothing)"),
    _v("beneficiaries", "persons", "stock", "beneficiaries", "领取待遇人数", "persons drawing a benefit at year end",
       resident_pension="residents 60+ drawing the residents pension at year end",
       unemployment="benefit recipients at year end",
       work_injury="long-term beneficiaries at year end: disabled of grades 1-4 + survivors"),
    _v("retirees", "persons", "stock", "retirees", "离退休人数", "retirees drawing an employee pension at year end"),
    _v("dormant", "persons", "stock", "dormant members", "中断缴费人数", "insured members not contributing at year end"),
    _v("insured_employees", "persons", "stock", "insured employees", "参保职工人数",
       "contributors + dormant members at year end (official 参保职工 counts both)"),
    _v("enterprise_insured", "persons", "stock", "insured, enterprise scheme", "企业职工参保人数",
       "enterprise contributors + dormant members + retirees at year end"),
    _v("enterprise_retirees", "persons", "stock", "retirees, enterprise scheme", "企业离退休人数",
       "enterprise retirees at year end"),
    _v("public_insured", "persons", "stock", "insured, public institutions", "机关事业单位参保人数",
       "enrolled staff and retirees of government bodies and public institutions at year end"),
    _v("public_members", "persons", "stock", "staff and retirees, public institutions", "机关事业单位人员",
       "staff and retirees of government bodies and public institutions at year end, enrolled in the scheme or not"),
    _v("public_retirees", "persons", "stock", "retirees, public institutions", "机关事业单位离退休人数",
       "retirees of government bodies and public institutions at year end, enrolled in the scheme or not"),
    _v("covered_60_plus", "persons", "stock", "employee members and retirees 60+", "60岁及以上职工养老保险人员",
       "members and retirees of the employee scheme aged 60 and over at year end, both sectors, enrolled or not "
       "(they do not draw the residents pension)"),
    _v("participants", "persons", "stock", "participants", "参保缴费年龄人数", "participants aged 16-59 at year end"),
    _v("new_retirees", "persons", "flow", "new retirees", "新增退休人数", "members who started a pension in the year"),
    _v("entrants", "persons", "flow", "entrants", "新参保人数", "new active members in the year"),
    _v("deaths_insured", "persons", "flow", "deaths of members", "参保人员死亡人数", "members and retirees who died in the year"),
    _v("moved_to_residents", "persons", "flow", "moved to the residents scheme", "转入城乡居民养老保险人数",
       "members short of the minimum years who moved to the residents scheme"),
    _v("joined_from_employee", "persons", "flow", "joined from the employee scheme", "由职工养老保险转入人数",
       "employee members short of the minimum years who joined the residents scheme"),
    # ---------------------------------------------------------------- the fund's accounts (one ledger)
    _v("contributions", "yuan", "flow", "contributions", "征缴收入", "contributions collected", "revenue",
       employee_pension="contributions collected, lump sums for missing years included",
       resident_pension="individual contributions (tier mix)",
       unemployment="contributions of employers and employees",
       work_injury="employers' contributions"),
    _v("subsidy", "yuan", "flow", "fiscal subsidy", "财政补贴收入", "fiscal subsidies received", "revenue",
       employee_pension="fiscal subsidy: a sourced path, or what the scenario's subsidy mode makes it",
       resident_pension="government subsidies: basic pensions (central + local) and entry subsidies into accounts",
       unemployment="fiscal subsidies (none modelled: zero)",
       work_injury="fiscal subsidies (none modelled: zero)"),
    _v("interest", "yuan", "flow", "interest", "利息收入", "return on the mid-year fund balance", "revenue"),
    _v("transfers_in", "yuan", "flow", "transfers in", "转移收入", "money received from other funds", "revenue",
       employee_pension="pooling receipts (central adjustment fund, national pooling)",
       resident_pension="account balances of employee members short of the minimum years",
       unemployment="transfers in (none modelled: zero)",
       work_injury="transfers in (none modelled: zero)"),
    _v("revenue", "yuan", "flow", "revenue", "基金收入", "contributions + subsidy + interest + transfers in", "revenue"),
    _v("benefits", "yuan", "flow", "benefits", "待遇支出", "benefits paid", "expenditure",
       employee_pension="basic, account and transitional pensions paid",
       resident_pension="basic pensions + account pensions (own and transferred accounts)",
       unemployment="unemployment benefits + medical-insurance contributions for recipients",
       work_injury="lump sums + allowances + survivor pensions + funeral and death grants + medical costs"),
    _v("other_outgo", "yuan", "flow", "other expenditure", "其他支出", "other expenditure", "expenditure",
       employee_pension="death grants and account balances paid on death",
       resident_pension="accounts of participants who died, paid to heirs",
       unemployment="job-stabilisation refunds + skills subsidies",
       work_injury="other expenditure (none modelled: zero)"),
    _v("transfers_out", "yuan", "flow", "transfers out", "转移支出", "money paid to other funds", "expenditure",
       employee_pension="pooling payments + account balances of members moving to the residents scheme",
       resident_pension="transfers out (none modelled: zero)",
       unemployment="transfers out (none modelled: zero)",
       work_injury="transfers out (none modelled: zero)"),
    _v("expenditure", "yuan", "flow", "expenditure", "基金支出", "benefits + other outgo + transfers out", "expenditure"),
    _v("balance", "yuan", "stock", "fund balance", "累计结余", "fund balance at year end", "net"),
    _v("current_balance", "yuan", "flow", "contributions - benefits", "当期收支差（征缴收入−待遇支出）",
       "contributions - benefits: the fund gap before subsidies, interest and transfers", "net"),
    _v("subsidy_needed", "yuan", "stock", "subsidy needed", "需补贴额",
       "extra subsidy, accumulated, that would keep the year-end balance >= 0 (= max(0, -balance))"),
    _v("fund_ratio", "1", "ratio", "fund ratio", "基金可支付年数", "balance / expenditure (years of spending)"),
    _v("payg_cost_rate", "1", "ratio", "PAYG cost rate", "现收现付成本率", "expenditure / wage bill",
       employee_pension="expenditure / contribution base of contributors",
       unemployment="expenditure / contribution base of the insured",
       work_injury="expenditure / contribution base of the insured"),
    _v("wage_bill", "yuan", "flow", "wage bill", "缴费基数总额", "contribution base of those who pay",
       employee_pension="contribution base of contributors (contributors x wage x base ratio)",
       unemployment="contribution base of the insured (insured x base)",
       work_injury="contribution base of the insured (insured x base)"),
    _v("depletion_year", "year", "horizon", "depletion year", "基金耗尽年份", "first year with a negative fund balance (NaN: none)"),
    _v("prob_depletion", "1", "ratio", "probability of depletion", "基金耗尽概率",
       "share of the draws whose fund balance has turned negative by the end of the year (first negative year <= year)"),
    _v("depletion_distribution", "1", "ratio", "share first depleted", "当年耗尽比例",
       "share of the draws whose fund balance first turns negative in the year (the distribution of the depletion year)"),
    _v("balance_to_wage_bill", "1", "ratio", "fund balance / wage bill", "累计结余占缴费基数总额比例",
       "fund balance at year end / the year's wage bill (contribution base of those who pay)",
       resident_pension=_OWN_BASE_NONE),
    _v("current_balance_to_wage_bill", "1", "ratio", "contributions - benefits / wage bill", "当期收支差占缴费基数总额比例",
       "(contributions - benefits) / the year's wage bill", resident_pension=_OWN_BASE_NONE),
    _v("subsidy_to_wage_bill", "1", "ratio", "fiscal subsidy / wage bill", "财政补贴占缴费基数总额比例",
       "fiscal subsidy received / the year's wage bill", resident_pension=_OWN_BASE_NONE),
    _v("subsidy_needed_pv", "yuan", "stock", "present value of the subsidy needed", "所需财政补贴现值",
       "present value at the end of the base year of the extra subsidies that would keep the year-end balance "
       ">= 0, paid from the first projected year to the year (a running total), discounted at the fund return "
       "(variable fund_return); see simulator/model/fund.py"),
    _v("actuarial_balance", "1", "horizon", "actuarial balance", "精算平衡",
       "(balance at the base year + PV(contributions + transfers in - expenditure)) / PV(wage bill) over the "
       "projected years, discounted at the fund return"),
    # ---------------------------------------------------------------- employee pension
    _v("pooling_in", "yuan", "flow", "pooling receipts", "调剂金收入",
       "receipts from the central adjustment fund / national pooling (retirees x receipt per retiree)", "revenue"),
    _v("pooling_out", "yuan", "flow", "pooling payments", "调剂金上解",
       "payments to the central adjustment fund / national pooling (rate x wage x contributors)", "expenditure"),
    _v("accounts_to_residents", "yuan", "flow", "accounts moved to the residents scheme", "转出个人账户",
       "account balances of members who moved to the residents scheme", "expenditure"),
    _v("buy_ins", "yuan", "flow", "lump sums for missing years", "补缴收入",
       "lump sums paid for missing contribution years (part of contributions)", "revenue"),
    _v("account_balances", "yuan", "stock", "individual accounts", "个人账户累计额", "individual-account balances (notional)",
       employee_pension="individual-account balances of members (notional)",
       resident_pension="individual accounts of participants (notional)"),
    _v("average_pension", "yuan/month", "level", "average pension", "月人均养老金", "average pension",
       employee_pension="average pension in payment at year end",
       resident_pension="benefits / mid-year beneficiaries / 12"),
    _v("enterprise_contributions", "yuan", "flow", "contributions, enterprise scheme", "企业职工养老保险征缴收入",
       "contributions collected from enterprise-scheme members (part of contributions; the 2020 relief deducted)"),
    _v("enterprise_benefits", "yuan", "flow", "benefits, enterprise scheme", "企业职工养老保险待遇支出",
       "pensions paid to enterprise-scheme retirees (part of benefits)"),
    _v("enterprise_expenditure", "yuan", "flow", "expenditure, enterprise scheme", "企业职工养老保险基金支出",
       "enterprise-scheme benefits + other outgo + transfers out (pooling payments included; part of expenditure)"),
    _v("enterprise_average_pension", "yuan/month", "level", "average pension, enterprise retirees",
       "企业退休人员月人均养老金", "average pension in payment to enterprise retirees at year end"),
    _v("public_subsidy", "yuan", "flow", "subsidy to public institutions' pensions", "机关事业单位养老保险财政补贴",
       "budgets' cover of the enrolled public institutions' deficit (part of subsidy)"),
    _v("average_new_pension", "yuan/month", "level", "average first pension", "新退休人员月人均养老金",
       "average first pension of new retirees"),
    _v("replacement_rate", "1", "ratio", "replacement rate", "替代率", "average pension / average wage"),
    _v("dependency_ratio", "1", "ratio", "dependency ratio", "制度赡养比", "beneficiaries / contributors",
       employee_pension="retirees / contributors"),
    # ---------------------------------------------------------------- residents pension
    _v("basic_pensions", "yuan", "flow", "basic pensions", "基础养老金支出", "basic pensions paid"),
    _v("account_pensions", "yuan", "flow", "account pensions", "个人账户养老金支出", "pensions from own individual accounts"),
    _v("transferred_account_pensions", "yuan", "flow", "pensions of transferred accounts", "转入账户养老金支出",
       "pensions from accounts transferred from the employee scheme"),
    _v("central_subsidy", "yuan", "flow", "central subsidy", "中央财政补贴",
       "central budget: its share of the national minimum basic pension"),
    _v("local_subsidy", "yuan", "flow", "local subsidy", "地方财政补贴",
       "local budgets: the rest of the basic pension and the entry subsidies"),
    _v("entry_subsidies", "yuan", "flow", "entry subsidies", "缴费补贴", "government subsidies into accounts"),
    _v("monthly_basic_pension", "yuan/month", "level", "basic pension per month", "月基础养老金",
       "basic pension per beneficiary: national minimum + local top-up"),
    _v("monthly_minimum_pension", "yuan/month", "level", "national minimum per month", "全国基础养老金最低标准",
       "national minimum basic pension"),
    # ---------------------------------------------------------------- unemployment
    _v("monthly_benefit", "yuan/month", "level", "benefit per month", "失业保险金标准",
       "unemployment benefit per recipient: ratio x minimum wage"),
    _v("claimants", "persons", "flow", "claimants", "新增领取人数", "new benefit claims in the year"),
    _v("recipients", "persons", "flow", "recipients (average)", "平均领取人数",
       "average number of recipients in the year (recipient-months / 12)"),
    _v("benefit_months", "1", "flow", "recipient-months", "领取人月数", "recipient-months paid in the year"),
    _v("reemployed", "persons", "flow", "re-employed", "再就业人数", "recipients who found work"),
    _v("exhausted", "persons", "flow", "benefit ended", "期满人数",
       "recipients whose benefit ran out or who reached retirement age"),
    _v("unemployment_benefits", "yuan", "flow", "unemployment benefits", "失业保险金支出", "unemployment benefits paid"),
    _v("medical_contributions", "yuan", "flow", "medical contributions", "代缴医疗保险费",
       "medical-insurance contributions paid for recipients"),
    _v("stabilisation_refunds", "yuan", "flow", "job-stabilisation refunds", "稳岗返还", "job-stabilisation refunds to employers"),
    _v("skills_subsidies", "yuan", "flow", "skills subsidies", "技能提升补贴", "skills-upgrading subsidies"),
    # ---------------------------------------------------------------- work injury
    _v("long_term_pensioners", "persons", "stock", "grades 1-4 on allowance", "一至四级伤残津贴领取人数",
       "disabled of grades 1-4 drawing an allowance at year end"),
    _v("survivor_pensioners", "persons", "stock", "survivor pensioners", "供养亲属抚恤金领取人数",
       "spouses and other dependants drawing a survivor pension at year end"),
    _v("disability_lump_sums", "yuan", "flow", "disability lump sums", "一次性伤残补助金", "one-off disability subsidies, grades 1-10"),
    _v("allowances", "yuan", "flow", "disability allowances", "伤残津贴", "disability allowances, grades 1-4"),
    _v("survivor_pensions", "yuan", "flow", "survivor pensions", "供养亲属抚恤金", "pensions of spouses and other dependants"),
    _v("funeral_grants", "yuan", "flow", "funeral grants", "丧葬补助金", "funeral grants"),
    _v("death_grants", "yuan", "flow", "death grants", "一次性工亡补助金", "lump sums on death at work"),
    _v("medical_costs", "yuan", "flow", "medical costs", "工伤医疗费", "medical and rehabilitation costs of injuries"),
    _v("new_injuries", "persons", "flow", "recognised injuries", "认定工伤人数", "recognised injuries in the year"),
    _v("injury_deaths", "persons", "flow", "deaths at work", "工亡人数", "deaths at work in the year"),
    _v("new_long_term", "persons", "flow", "new grades 1-4", "新增一至四级伤残人数", "new disabled of grades 1-4"),
    _v("long_term_deaths", "persons", "flow", "deaths of grades 1-4", "一至四级伤残死亡人数",
       "deaths among grades 1-4 drawing an allowance"),
    _v("long_term_retired", "persons", "flow", "grades 1-4 reaching retirement", "一至四级伤残退休人数",
       "grades 1-4 reaching retirement age (allowance ends)"),
    # ---------------------------------------------------------------- economy and population
    _v("average_wage", "yuan", "level", "average wage", "平均工资", "average wage (yuan a year)"),
    _v("price_index", "1", "level", "price index", "价格指数",
       "consumer-price level from the scenario's inflation, 1 in the year named by the attribute reference_year: "
       "real yuan of that year = nominal yuan / price_index"),
    _v("fund_return", "1", "level", "fund return", "基金收益率",
       "return credited on the funds' balances in the year (a share a year): the discount rate of "
       "actuarial_balance and subsidy_needed_pv"),
    _v("retirement_age", "years", "level", "statutory retirement age", "法定退休年龄",
       "statutory retirement age of members born in January of year - old age"),
    _v("population", "persons", "stock", "population", "人口", "population at the end of the year"),
    _v("population_total", "persons", "stock", "population", "总人口", "population at the end of the year"),
    _v("births", "persons", "flow", "births", "出生人数", "live births in the year (NaN in the base year)"),
    _v("deaths", "persons", "flow", "deaths", "死亡人数", "deaths in the year (NaN in the base year)"),
    _v("net_migration", "persons", "flow", "net migration", "净迁移人数",
       "net migrants in the year, by age at its end (NaN in the base year)"),
    _v("survival", "1", "ratio", "survival", "存活概率",
       "probability that a person aged age at the end of year-1 is alive at the end of year (100: 100+)"),
    _v("tfr", "1", "level", "total fertility rate", "总和生育率", "total fertility rate, children per woman"),
    _v("e0", "years", "level", "life expectancy at birth", "出生时预期寿命", "period life expectancy at birth"),
    _v("e60", "years", "level", "life expectancy at 60", "60岁预期寿命", "period life expectancy at age 60"),
    _v("old_age_dependency", "1", "ratio", "old-age dependency 65+/15-64", "老年抚养比",
       "old-age dependency ratio: population 65+ / population 15-64"),
]  # fmt: skip

VARIABLES: dict[str, Variable] = {v.name: v for v in _ALL}
FUND_SIDES = {
    "revenue": ("contributions", "subsidy", "interest", "transfers_in"),
    "expenditure": ("benefits", "other_outgo", "transfers_out"),
}


def variable(name: str) -> Variable:
    """The registry entry of ``name``; a KeyError names the missing variable."""
    try:
        return VARIABLES[name]
    except KeyError:
        raise KeyError(f"{name!r} is not in the variable registry (simulator/variables.py)") from None


def attrs(name: str, schemes: tuple[str, ...] = ()) -> dict[str, str]:
    """NetCDF attributes of ``name``: units, long_name, labels, kind, side, and one
    ``description_<scheme>`` per scheme of ``schemes`` whose meaning differs from the long name."""
    v = variable(name)
    out = {"units": v.units, "long_name": v.description, "label_en": v.en, "label_zh": v.zh, "kind": v.kind}
    if v.side:
        out["side"] = v.side
    out |= {f"description_{s}": v.schemes[s] for s in schemes if s in v.schemes}
    return out
