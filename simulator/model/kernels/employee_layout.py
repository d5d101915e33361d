"""Column layout of the employee-pension kernel's packed arrays (shared by both twins).

Packing keeps the kernel signature short and free of Python objects: every per-year
scalar input is a column of ``series[draw, year, SERIES]``; every per-cell input a
column of ``cells[draw, year, group, age, CELLS]``, except the target of active contributors,
``target[draw, year, group, age]`` (persons), an argument of its own because it differs by draw
where the other cell inputs do not (stochastic draws share one ``cells``); every output a column of
``out[draw, year, OUTPUTS]``. A draw axis of length 1 broadcasts over all draws. The kernel
returns people and cash flows; the fund (interest, subsidy, balance) is the ledger's
(:mod:`simulator.model.fund`).
"""

from __future__ import annotations

# series[d, t, k]: one value per year (yuan, rates as shares, years)
WAGE = 0  # average wage of year t (yuan / year)
WAGE_PREV = 1  # average wage of year t-1 (yuan / year), the basic-pension base
EMPLOYER_RATE = 2
EMPLOYEE_RATE = 3
BASE_RATIO = 4  # average contribution base / average wage
COMPLIANCE = 5  # contributions collected / due
CREDITING = 6  # individual-account crediting rate
INDEXATION = 7  # increase of pensions in payment in January of year t
MIN_YEARS = 8  # minimum contribution years for retiring in year t
YEAR = 9  # the calendar year
DEATH_GRANT = 10  # funeral and survivor grants per deceased retiree (yuan)
BASIC_ACCRUAL = 11  # basic pension per contribution year, share of the base (1%)
ACCOUNT_START = 12  # first year of individual accounts (deemed years are those before it)
TRANSITIONAL_RATE = 13  # transitional pension per deemed year, share of the indexed wage
BUY_RATE = 14  # share of those short of the minimum years who buy the missing years
OLD_AGE = 15  # age from which members and retirees are counted in OLD_MEMBERS and OLD_RETIREES
N_SERIES = 16

# cells[d, t, g, a, k]: per retirement group and age at the end of year t
HAZARD = 0  # share of the cell's remaining members reaching the statutory age in year t
DIVISOR = 1  # account-pension divisor (months) at the cell's mean retirement age
SHORT_EXIT = 2  # 1 where members short of the minimum years leave for the residents scheme
DORMANCY = 3  # share of actives who stop contributing in year t
REACTIVATION = 4  # share of dormant members who resume contributing in year t
N_CELLS = 5

# out[d, t, k]
CONTRIBUTORS = 0
DORMANT = 1
RETIREES = 2
NEW_RETIREES = 3
NEW_PENSIONS = 4  # sum of first annual pensions awarded in year t (yuan / year)
PENSION_ROLL = 5  # sum of annual pensions in payment at year end (yuan / year)
CONTRIBUTIONS = 6  # incl. the lump sums for missing years
BENEFITS = 7
OTHER_OUTGO = 8  # death grants + account balances paid out on death
ACCOUNTS_OUT = 9  # account balances of members moving to the residents scheme
ENTRANTS = 10
DEATHS = 11  # members and retirees who died in year t
EXITS = 12  # members short of the minimum years who moved to the residents scheme
ACCOUNT_BALANCE = 13  # individual-account balances of members (yuan, notional)
BUY_INS = 14  # lump sums paid to buy missing years (part of contributions)
OLD_MEMBERS = 15  # active and dormant members aged OLD_AGE and over at year end
OLD_RETIREES = 16  # retirees aged OLD_AGE and over at year end
N_OUTPUTS = 17
