"""Urban employee pension: one kernel call projects every year for every draw.

State per draw, by retirement group g (M60, F55, F50), age a at year end (0..100) and
completed contribution years s (0..S-1, the top cell holds S-1 and more):

    act[g, a, s], dor[g, a, s]      active contributors and dormant members (persons)
    kact[g, a, s], kdor[g, a, s]    their individual-account balances (yuan, cell totals)
    ret[g, a]                       retirees (persons)
    pen[g, a]                       annual pensions in payment of those retirees (yuan / year, cell total)

The initial state has a leading draw axis too (size 1 or D, like every input).

Year t, in this order (cells move together with their balances and pensions, so every
per-person average is kept):

1. Index pensions in payment: ``pen *= 1 + indexation[t]`` (January).
2. Survive and age by one: x[a] <- x[a-1] p[sex(g), a-1]; the open age 100 keeps its
   survivors too. Benefits paid = sum(pen (1 + p) / 2) (deaths mid-year); other outgo =
   retiree deaths x death grant + account balances of members who died.
3. Active <-> dormant: ``act -> dor`` at the dormancy rate, ``dor -> act`` at the reactivation rate.
4. Entrants with 0 years fill each (g, a) cell up to its target of active contributors.
5. Contributions = (employer + employee rate) x base ratio x wage x compliance x actives;
   accounts: ``k <- k (1 + crediting) + employee rate x base ratio x wage x compliance x act``;
   actives gain one contribution year (s -> s+1).
6. Retirement: a share ``hazard`` of each cell reaches its statutory age. Those with
   s >= minimum years retire with the annual pension
   ``12 x [ (w + w b) / 2 x s x accrual (1%)  +  K / divisor  +  w b x deemed x transitional% ]``
   (:func:`simulator.model.kernels.benefit.monthly_pension`, the calculator's formula),
   w = previous-year average monthly wage, b = base ratio, K = own account balance,
   deemed = max(0, s - (year - account start)). New pensions are paid for half the year.
   Of those short of the minimum, a share ``buy_rate`` buy the missing years (a lump sum of
   the missing years' contributions) and retire; where ``short_exit`` = 1 the rest move to
   the residents scheme with their account balance (``accounts_out``).
7. Totals of the year: people at year end (and those aged ``old_age`` and over) and the cash
   flows (contributions incl. lump sums, benefits, other outgo, accounts out). The fund is rolled
   forward by the ledger.

``employee_pension_numba`` loops over cells (numba, parallel over draws);
``employee_pension_numpy`` is the reference twin written with whole-array numpy operations.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from simulator.model.kernels.benefit import monthly_pension
from simulator.model.kernels.employee_layout import (
    ACCOUNTS_OUT,
    ACCOUNT_BALANCE,
    ACCOUNT_START,
    BASE_RATIO,
    BASIC_ACCRUAL,
    BENEFITS,
    BUY_INS,
    BUY_RATE,
    COMPLIANCE,
    CONTRIBUTIONS,
    CONTRIBUTORS,
    CREDITING,
    DEATHS,
    DEATH_GRANT,
    DIVISOR,
    DORMANCY,
    DORMANT,
    EMPLOYEE_RATE,
    EMPLOYER_RATE,
    ENTRANTS,
    EXITS,
    HAZARD,
    INDEXATION,
    MIN_YEARS,
    NEW_PENSIONS,
    NEW_RETIREES,
    OLD_AGE,
    OLD_MEMBERS,
    OLD_RETIREES,
    OTHER_OUTGO,
    PENSION_ROLL,
    REACTIVATION,
    RETIREES,
    SHORT_EXIT,
    TRANSITIONAL_RATE,
    WAGE,
    WAGE_PREV,
    YEAR,
)


@njit(cache=True, parallel=True)
def employee_pension_numba(act0, dor0, kact0, kdor0, ret0, pen0, survival, series, cells, target, group_sex, out):
    """Numba twin; arguments as :func:`employee_pension_numpy`. Writes ``out[d, t, :]``, the
    draws in parallel (one :func:`_project_draw` call each). One draw runs on this thread: the
    thread pool would only add its start-up (milliseconds when other work holds the cores)."""
    if out.shape[0] == 1:
        _project_draw(
            act0[0], dor0[0], kact0[0], kdor0[0], ret0[0], pen0[0], survival[0], series[0], cells[0], target[0], group_sex,
            out[0],
        )
        return
    for d in prange(out.shape[0]):
        di = np.int64(d)  # prange gives an unsigned index; keep draw indices signed
        _project_draw(
            act0[_row(act0.shape[0], di)], dor0[_row(dor0.shape[0], di)], kact0[_row(kact0.shape[0], di)],
            kdor0[_row(kdor0.shape[0], di)], ret0[_row(ret0.shape[0], di)], pen0[_row(pen0.shape[0], di)],
            survival[_row(survival.shape[0], di)], series[_row(series.shape[0], di)], cells[_row(cells.shape[0], di)],
            target[_row(target.shape[0], di)], group_sex, out[di],
        )  # fmt: skip


@njit(cache=True)
def _row(n, d):
    """Row d of an input with a draw axis of n rows (n = 1: the one row, broadcast)."""
    return d if n > 1 else np.int64(0)


@njit(cache=True)
def _span(n, S):
    """The service cells a loop covers to reach cell n - 1: n rounded up to a multiple of 4 (the
    chains of the sums take the same cells as a loop over all S), or S when that passes the last
    whole group of 4."""
    n4 = (n + 3) // 4 * 4
    return n4 if n4 <= S - S % 4 else S


@njit(cache=True)
def _project_draw(act0, dor0, kact0, kdor0, ret0, pen0, survival, series, cells, target, group_sex, out):
    """One draw: ``survival[T, 2, A]``, ``series[T, N_SERIES]``, ``cells[T, G, A, N_CELLS]``, ``target[T, G, A]``,
    writes ``out[T, N_OUTPUTS]``.

    One pass over the cells per year: ages run from the top down, so cell (g, a) is aged from
    (g, a - 1), moved, topped up, accrued and retired while (g, a - 1) still holds last year's
    state. Totals are kept per cell (``members``, ``balances``) and summed in independent
    partial sums; a cell whose member arrays are all zero, with nothing ageing into it and no
    entrants, is skipped (``live``), and the service loops of a cell stop at ``top``, above which
    its member arrays are zero (service grows by at most one a year, so at age a it is about
    a - 16 of the 51 cells). The operations are those of the numpy twin; only the order of the
    additions in the totals differs (rounding). (A separate function from the prange
    loop: it compiles in about half the time, and runs as fast.)"""
    n_years = out.shape[0]
    G, A, S = act0.shape
    act = act0.copy()
    dor = dor0.copy()
    kact = kact0.copy()
    kdor = kdor0.copy()
    ret = ret0.copy()
    pen = pen0.copy()
    xa = np.empty(S)  # the (g, a) cell after ageing, before the service shift
    xd = np.empty(S)
    ka = np.empty(S)
    kd = np.empty(S)
    members = np.empty((G, A))  # act + dor of each cell at the end of the previous year
    balances = np.empty((G, A))  # kact + kdor of each cell at the end of the previous year
    live = np.empty((G, A), dtype=np.bool_)  # False: the cell's four member arrays are all zero
    top = np.zeros((G, A), dtype=np.int64)  # the cell's member arrays are zero from this service on
    for g in range(G):
        for a in range(A):
            m = 0.0
            b = 0.0
            nz = False
            for s in range(S):
                m += act[g, a, s] + dor[g, a, s]
                b += kact[g, a, s] + kdor[g, a, s]
                if act[g, a, s] != 0.0 or dor[g, a, s] != 0.0 or kact[g, a, s] != 0.0 or kdor[g, a, s] != 0.0:
                    nz = True
                    top[g, a] = s + 1
            members[g, a] = m
            balances[g, a] = b
            live[g, a] = nz
    for t in range(n_years):
        sr = series[t]
        index = 1.0 + sr[INDEXATION]
        grant = sr[DEATH_GRANT]
        base = sr[BASE_RATIO] * sr[WAGE]
        paid = base * sr[COMPLIANCE]
        rate = sr[EMPLOYER_RATE] + sr[EMPLOYEE_RATE]
        employee_rate = sr[EMPLOYEE_RATE]
        credit = 1.0 + sr[CREDITING]
        min_years = sr[MIN_YEARS]
        w_month = sr[WAGE_PREV] / 12.0
        deemed_cut = sr[YEAR] - sr[ACCOUNT_START]
        transitional_rate = sr[TRANSITIONAL_RATE]
        buy_rate = sr[BUY_RATE]
        benefits = 0.0
        other = 0.0
        deaths = 0.0
        contributions = 0.0
        buy_ins = 0.0
        entrants = 0.0
        exits = 0.0
        moved_out = 0.0
        new_ret = 0.0
        new_pen = 0.0
        contributors = 0.0
        dormant = 0.0
        retirees = 0.0
        roll = 0.0
        accounts = 0.0
        old_members = 0.0
        old_retirees = 0.0
        old_age = sr[OLD_AGE]
        for g in range(G):
            sex = group_sex[g]
            for a in range(A - 1, -1, -1):
                cl = cells[t, g, a]
                # 1-2. retirees: index, survive, age (the open age keeps its survivors)
                r = 0.0
                w = 0.0
                p = 1.0
                q = 0.0
                if a > 0:
                    p = survival[t, sex, a - 1]
                    q = 1.0 - p
                    r_in = ret[g, a - 1]
                    w_in = pen[g, a - 1] * index
                    if a == A - 1:
                        p_open = survival[t, sex, A - 1]
                        r_top = ret[g, a]
                        w_top = pen[g, a] * index
                        benefits += w_top * (1.0 + p_open) * 0.5
                        deaths += r_top * (1.0 - p_open)
                        other += r_top * (1.0 - p_open) * grant
                        r = r_top * p_open
                        w = w_top * p_open
                    benefits += w_in * (1.0 + p) * 0.5
                    deaths += r_in * q
                    other += r_in * q * grant
                    r = r_in * p + r
                    w = w_in * p + w
                top_live = a == A - 1 and live[g, a]
                if not (a > 0 and live[g, a - 1]) and not top_live and not target[t, g, a] > 0.0:
                    # nothing ages into this cell and nobody enters: its members stay all zero
                    if live[g, a]:
                        for s in range(top[g, a]):
                            act[g, a, s] = 0.0
                            dor[g, a, s] = 0.0
                            kact[g, a, s] = 0.0
                            kdor[g, a, s] = 0.0
                        live[g, a] = False
                        top[g, a] = 0
                    members[g, a] = 0.0
                    balances[g, a] = 0.0
                    ret[g, a] = r
                    pen[g, a] = w
                    retirees += r
                    roll += w
                    if a >= old_age:
                        old_retirees += r
                    continue
                # 1-2. members: survive and age into xa, xd, ka, kd, zero from service max(below, 1)
                # on (what ages in, entrants at 0); the loops run to n_s, past the cell's old state
                below = top[g, a - 1] if a > 0 else 0
                if top_live and top[g, a] > below:
                    below = top[g, a]
                new_top = min(max(below, 1) + 1, S)
                n_s = _span(max(new_top, top[g, a]), S)  # covers the cell's old state, to overwrite it
                if a == 0:
                    for s in range(n_s):
                        xa[s] = 0.0
                        xd[s] = 0.0
                        ka[s] = 0.0
                        kd[s] = 0.0
                elif a == A - 1:
                    p_open = survival[t, sex, A - 1]
                    deaths += members[g, a] * (1.0 - p_open)
                    other += balances[g, a] * (1.0 - p_open)
                    for s in range(n_s):
                        xa[s] = act[g, a - 1, s] * p + act[g, a, s] * p_open
                        xd[s] = dor[g, a - 1, s] * p + dor[g, a, s] * p_open
                        ka[s] = kact[g, a - 1, s] * p + kact[g, a, s] * p_open
                        kd[s] = kdor[g, a - 1, s] * p + kdor[g, a, s] * p_open
                else:
                    for s in range(n_s):
                        xa[s] = act[g, a - 1, s] * p
                    for s in range(n_s):
                        xd[s] = dor[g, a - 1, s] * p
                    for s in range(n_s):
                        ka[s] = kact[g, a - 1, s] * p
                    for s in range(n_s):
                        kd[s] = kdor[g, a - 1, s] * p
                if a > 0:
                    deaths += members[g, a - 1] * q
                    other += balances[g, a - 1] * q
                # 3. active <-> dormant
                to_dor = cl[DORMANCY]
                to_act = cl[REACTIVATION]
                for s in range(n_s):
                    out_a = xa[s] * to_dor
                    back = xd[s] * to_act
                    xa[s] += back - out_a
                    xd[s] += out_a - back
                for s in range(n_s):
                    k_out = ka[s] * to_dor
                    k_back = kd[s] * to_act
                    ka[s] += k_back - k_out
                    kd[s] += k_out - k_back
                # 4. entrants fill the cell up to its target (actives summed in four independent chains)
                n0 = 0.0
                n1 = 0.0
                n2 = 0.0
                n3 = 0.0
                top4 = n_s - n_s % 4  # n_s < S is a multiple of 4: the same chains as over all S
                for s in range(0, top4, 4):
                    n0 += xa[s]
                    n1 += xa[s + 1]
                    n2 += xa[s + 2]
                    n3 += xa[s + 3]
                for s in range(top4, n_s):
                    n0 += xa[s]
                n_act = (n0 + n1) + (n2 + n3)
                e = target[t, g, a] - n_act
                if e > 0.0:
                    xa[0] += e
                    entrants += e
                    n_act += e
                # 5. contributions, accounts, one more year of service (written back to the cell)
                contributions += n_act * rate * paid
                if n_s < S:  # xa, ka are zero from n_s - 1 on: nothing shifts past n_s
                    act[g, a, 0] = 0.0
                    kact[g, a, 0] = 0.0
                    for s in range(1, n_s):
                        act[g, a, s] = xa[s - 1]
                        kact[g, a, s] = ka[s - 1] * credit + xa[s - 1] * employee_rate * paid
                elif S > 1:
                    act[g, a, 0] = 0.0
                    kact[g, a, 0] = 0.0
                    for s in range(1, S - 1):
                        act[g, a, s] = xa[s - 1]
                        kact[g, a, s] = ka[s - 1] * credit + xa[s - 1] * employee_rate * paid
                    act[g, a, S - 1] = xa[S - 1] + xa[S - 2]
                    kact[g, a, S - 1] = (ka[S - 1] * credit + xa[S - 1] * employee_rate * paid) + (
                        ka[S - 2] * credit + xa[S - 2] * employee_rate * paid
                    )
                else:
                    act[g, a, 0] = xa[0]
                    kact[g, a, 0] = ka[0] * credit + xa[0] * employee_rate * paid
                for s in range(n_s):
                    dor[g, a, s] = xd[s]
                    kdor[g, a, s] = kd[s] * credit
                top[g, a] = new_top
                # 6. retirement
                h = cl[HAZARD]
                nz = True
                if h > 0.0:
                    for s in range(n_s):
                        n = (act[g, a, s] + dor[g, a, s]) * h
                        if n <= 0.0:
                            continue
                        k = (kact[g, a, s] + kdor[g, a, s]) * h
                        years = float(s)
                        if years < min_years:
                            lump = (min_years - years) * rate * base
                            bought = n * buy_rate
                            buy_ins += bought * lump
                            k_bought = k * buy_rate
                            stay = 1.0 - h * buy_rate
                            if cl[SHORT_EXIT] > 0.0:
                                exits += n - bought
                                moved_out += k - k_bought
                                stay = 1.0 - h
                            act[g, a, s] *= stay
                            dor[g, a, s] *= stay
                            kact[g, a, s] *= stay
                            kdor[g, a, s] *= stay
                            n = bought
                            k = k_bought
                            years = min_years
                        else:
                            act[g, a, s] *= 1.0 - h
                            dor[g, a, s] *= 1.0 - h
                            kact[g, a, s] *= 1.0 - h
                            kdor[g, a, s] *= 1.0 - h
                        if n <= 0.0:
                            continue
                        deemed = years - deemed_cut
                        if deemed < 0.0:
                            deemed = 0.0
                        indexed = w_month * sr[BASE_RATIO]
                        monthly = monthly_pension(
                            w_month, indexed, years, sr[BASIC_ACCRUAL], k / n, cl[DIVISOR], indexed, deemed, transitional_rate
                        )
                        award = 12.0 * monthly * n
                        r += n
                        w += award
                        new_ret += n
                        new_pen += award
                        benefits += 0.5 * award
                    nz = False  # did anyone stay?
                    for s in range(n_s):
                        if act[g, a, s] != 0.0 or dor[g, a, s] != 0.0:
                            nz = True
                            break
                        if kact[g, a, s] != 0.0 or kdor[g, a, s] != 0.0:
                            nz = True
                            break
                live[g, a] = nz
                ret[g, a] = r
                pen[g, a] = w
                # 7. stocks of the cell (two independent chains each)
                c0 = 0.0
                c1 = 0.0
                m0 = 0.0
                m1 = 0.0
                b0 = 0.0
                b1 = 0.0
                top2 = n_s - n_s % 2
                for s in range(0, top2, 2):
                    c0 += act[g, a, s]
                    c1 += act[g, a, s + 1]
                    m0 += dor[g, a, s]
                    m1 += dor[g, a, s + 1]
                    b0 += kact[g, a, s] + kdor[g, a, s]
                    b1 += kact[g, a, s + 1] + kdor[g, a, s + 1]
                for s in range(top2, n_s):
                    c0 += act[g, a, s]
                    m0 += dor[g, a, s]
                    b0 += kact[g, a, s] + kdor[g, a, s]
                members[g, a] = (c0 + c1) + (m0 + m1)
                balances[g, a] = b0 + b1
                contributors += c0 + c1
                dormant += m0 + m1
                accounts += b0 + b1
                retirees += r
                roll += w
                if a >= old_age:
                    old_members += members[g, a]
                    old_retirees += r
        # 7. totals of the year
        o = out[t]
        o[CONTRIBUTORS] = contributors
        o[DORMANT] = dormant
        o[RETIREES] = retirees
        o[NEW_RETIREES] = new_ret
        o[NEW_PENSIONS] = new_pen
        o[PENSION_ROLL] = roll
        o[CONTRIBUTIONS] = contributions + buy_ins
        o[BENEFITS] = benefits
        o[OTHER_OUTGO] = other
        o[ACCOUNTS_OUT] = moved_out
        o[ENTRANTS] = entrants
        o[DEATHS] = deaths
        o[EXITS] = exits
        o[ACCOUNT_BALANCE] = accounts
        o[BUY_INS] = buy_ins
        o[OLD_MEMBERS] = old_members
        o[OLD_RETIREES] = old_retirees


def employee_pension_numpy(
    act0: np.ndarray,
    dor0: np.ndarray,
    kact0: np.ndarray,
    kdor0: np.ndarray,
    ret0: np.ndarray,
    pen0: np.ndarray,
    survival: np.ndarray,
    series: np.ndarray,
    cells: np.ndarray,
    target: np.ndarray,
    group_sex: np.ndarray,
    out: np.ndarray,
) -> None:
    """Reference twin, whole-array numpy over draws.

    Shapes: ``act0, dor0, kact0, kdor0`` (Dx, G, A, S); ``ret0, pen0`` (Dx, G, A); ``survival``
    (Dx, T, 2, A); ``series`` (Dx, T, N_SERIES); ``cells`` (Dx, T, G, A, N_CELLS); ``target`` (Dx, T, G, A);
    ``out`` (D, T, N_OUTPUTS); Dx is 1 or D.
    """
    n_draws, n_years = out.shape[:2]
    S = act0.shape[3]
    act, dor, kact, kdor = (np.broadcast_to(x, (n_draws, *x.shape[1:])).astype(float) for x in (act0, dor0, kact0, kdor0))
    ret, pen = (np.broadcast_to(x, (n_draws, *x.shape[1:])).astype(float) for x in (ret0, pen0))
    years_of_service = np.arange(S, dtype=float)
    for t in range(n_years):
        sr = np.broadcast_to(series[:, t], (n_draws, series.shape[2]))
        col = lambda k: sr[:, k]  # noqa: E731
        p = np.broadcast_to(survival[:, t][:, group_sex], (n_draws, *ret.shape[1:]))  # (D, G, A)
        cl = np.broadcast_to(cells[:, t], (n_draws, *cells.shape[2:]))  # (D, G, A, K)

        # 1-2. index pensions, survive and age by one (age 100 keeps its own survivors)
        pen = pen * (1.0 + col(INDEXATION))[:, None, None]
        benefits = (pen * (1.0 + p) / 2).sum(axis=(1, 2))
        dead_ret = ret * (1.0 - p)
        members = act + dor
        accounts = kact + kdor
        deaths = dead_ret.sum(axis=(1, 2)) + (members * (1.0 - p)[..., None]).sum(axis=(1, 2, 3))
        other = (dead_ret * col(DEATH_GRANT)[:, None, None]).sum(axis=(1, 2))
        other += (accounts * (1.0 - p)[..., None]).sum(axis=(1, 2, 3))
        ret, pen = _age(ret * p), _age(pen * p)
        act, dor = _age(act * p[..., None]), _age(dor * p[..., None])
        kact, kdor = _age(kact * p[..., None]), _age(kdor * p[..., None])

        # 3. active <-> dormant
        to_dor, to_act = cl[..., DORMANCY][..., None], cl[..., REACTIVATION][..., None]
        act, dor = act - act * to_dor + dor * to_act, dor + act * to_dor - dor * to_act
        kact, kdor = kact - kact * to_dor + kdor * to_act, kdor + kact * to_dor - kdor * to_act

        # 4. entrants fill each cell up to its target
        entrants_cell = np.maximum(np.broadcast_to(target[:, t], act.shape[:3]) - act.sum(axis=3), 0.0)
        act[..., 0] += entrants_cell

        # 5. contributions, accounts, one more year of service
        rate = col(EMPLOYER_RATE) + col(EMPLOYEE_RATE)
        base = col(BASE_RATIO) * col(WAGE)
        paid = base * col(COMPLIANCE)
        contributions = act.sum(axis=(1, 2, 3)) * rate * paid
        credit = (1.0 + col(CREDITING))[:, None, None, None]
        kact = kact * credit + act * (col(EMPLOYEE_RATE) * paid)[:, None, None, None]
        kdor = kdor * credit
        act, kact = _accrue(act), _accrue(kact)

        # 6. retirement
        buy_rate = col(BUY_RATE)[:, None, None, None]
        h = cl[..., HAZARD][..., None]  # (D, G, A, 1)
        min_years = col(MIN_YEARS)[:, None, None, None]
        short = years_of_service[None, None, None, :] < min_years  # (D, 1, 1, S)
        reach = (act + dor) * h
        k_reach = (kact + kdor) * h
        bought = np.where(short, reach * buy_rate, 0.0)
        exit_cell = (cl[..., SHORT_EXIT] > 0.0)[..., None]
        leaving = np.where(short & exit_cell, reach - bought, 0.0)
        k_leaving = np.where(short & exit_cell, k_reach * (1.0 - buy_rate), 0.0)
        retiring = np.where(short, bought, reach)
        k_retiring = np.where(short, k_reach * buy_rate, k_reach)
        stay = np.where(short, np.where(exit_cell, 1.0 - h, 1.0 - h * buy_rate), 1.0 - h)
        act, dor, kact, kdor = act * stay, dor * stay, kact * stay, kdor * stay

        credited = np.maximum(years_of_service[None, None, None, :], min_years)  # short buyers get the minimum
        deemed = np.maximum(credited - (col(YEAR) - col(ACCOUNT_START))[:, None, None, None], 0.0)
        w_month = (col(WAGE_PREV) / 12.0)[:, None, None, None]
        b = col(BASE_RATIO)[:, None, None, None]
        per_head = np.divide(k_retiring, retiring, out=np.zeros_like(k_retiring), where=retiring > 0)
        indexed = w_month * b
        monthly = monthly_pension.py_func(
            w_month, indexed, credited, col(BASIC_ACCRUAL)[:, None, None, None], per_head, cl[..., DIVISOR][..., None],
            indexed, deemed, col(TRANSITIONAL_RATE)[:, None, None, None],
        )  # fmt: skip
        awards = np.where(retiring > 0, 12.0 * monthly * retiring, 0.0)
        ret = ret + retiring.sum(axis=3)
        pen = pen + awards.sum(axis=3)
        benefits = benefits + 0.5 * awards.sum(axis=(1, 2, 3))
        buy_ins = (bought * ((min_years - years_of_service) * rate[:, None, None, None] * base[:, None, None, None])).sum(
            axis=(1, 2, 3)
        )

        # 7. totals of the year
        o = out[:, t]
        o[:, CONTRIBUTORS] = act.sum(axis=(1, 2, 3))
        o[:, DORMANT] = dor.sum(axis=(1, 2, 3))
        o[:, RETIREES] = ret.sum(axis=(1, 2))
        o[:, NEW_RETIREES] = retiring.sum(axis=(1, 2, 3))
        o[:, NEW_PENSIONS] = awards.sum(axis=(1, 2, 3))
        o[:, PENSION_ROLL] = pen.sum(axis=(1, 2))
        o[:, CONTRIBUTIONS] = contributions + buy_ins
        o[:, BENEFITS] = benefits
        o[:, OTHER_OUTGO] = other
        o[:, ACCOUNTS_OUT] = k_leaving.sum(axis=(1, 2, 3))
        o[:, ENTRANTS] = entrants_cell.sum(axis=(1, 2))
        o[:, DEATHS] = deaths
        o[:, EXITS] = leaving.sum(axis=(1, 2, 3))
        o[:, ACCOUNT_BALANCE] = (kact + kdor).sum(axis=(1, 2, 3))
        o[:, BUY_INS] = buy_ins
        old = (np.arange(ret.shape[2])[None, :] >= col(OLD_AGE)[:, None])[:, None, :]  # (D, 1, A)
        o[:, OLD_MEMBERS] = ((act + dor).sum(axis=3) * old).sum(axis=(1, 2))
        o[:, OLD_RETIREES] = (ret * old).sum(axis=(1, 2))


def _age(x: np.ndarray) -> np.ndarray:
    """Shift axis 2 (age) up by one; the open age keeps its own survivors; age 0 empties."""
    y = np.zeros_like(x)
    y[:, :, 1:] = x[:, :, :-1]
    y[:, :, -1] += x[:, :, -1]
    return y


def _accrue(x: np.ndarray) -> np.ndarray:
    """Shift axis 3 (service) up by one; the top cell keeps its own."""
    y = np.zeros_like(x)
    y[..., 1:] = x[..., :-1]
    y[..., -1] += x[..., -1]
    return y
