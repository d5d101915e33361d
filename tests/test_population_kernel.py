"""The cohort-component kernel: a hand-worked step, its numpy twin, accounting identities, signs."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.model.kernels.population import project_reference, run_projection

AGES = 101


def _hand_inputs():
    """Toy population, ages 0, 1, 2, 3+ (the last is the open group), identical sexes."""
    pop0 = np.array([[[100.0, 200.0, 300.0, 400.0]] * 2])  # (draw, sex, age)
    survival = np.array([[[[0.9, 0.8, 0.7, 0.5]] * 2]])  # (draw, year, sex, age)
    infant = np.full((1, 1, 2), 0.9)
    asfr = np.array([[[0.0, 0.5, 0.25, 0.0]]])
    male_share = np.array([[0.5]])
    migration = np.array([[[[0.0, 10.0, 0.0, 0.0], [5.0, 0.0, 0.0, 0.0]]]])
    return pop0, survival, infant, asfr, male_share, migration


def test_one_step_by_hand() -> None:
    """Men: age 1 = 0.9 x 100 + 10 migrants = 100; age 2 = 0.8 x 200 = 160; 3+ = 0.7 x 300 + 0.5 x 400 = 410.
    Women at the end (before births): 90, 160, 410. Exposure = mean of start and end at each age:
    births = 0.5 x (200 + 90)/2 + 0.25 x (300 + 160)/2 = 72.5 + 57.5 = 130;
    age 0: men 130 x 0.5 x 0.9 = 58.5, women 58.5 + 5 migrants = 63.5.
    Deaths = 2 x (0.1 x 100 + 0.2 x 200 + 0.3 x 300 + 0.5 x 400) + 130 x 0.1 = 680 + 13 = 693.
    Check: 2000 + 130 - 693 + 15 = 1452 = 728.5 (men) + 723.5 (women)."""
    expected = np.array([[58.5, 100.0, 160.0, 410.0], [63.5, 90.0, 160.0, 410.0]])
    for pop, births, deaths in (run_projection(*_hand_inputs()), project_reference(*_hand_inputs())):
        np.testing.assert_allclose(pop[0, 1], expected, rtol=1e-15)
        np.testing.assert_allclose([births[0, 0], deaths[0, 0]], [130.0, 693.0], rtol=1e-15)


@st.composite
def inputs(draw, ages: int = AGES):
    """Random inputs; each has a draw axis of 1 (broadcast) or D."""
    d = draw(st.integers(1, 3))
    steps = draw(st.integers(1, 6))
    sizes = draw(st.lists(st.sampled_from([1, d]), min_size=6, max_size=6))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    asfr = np.zeros((sizes[3], steps, ages))
    asfr[..., 15:50] = rng.uniform(0.0, 0.15, (sizes[3], steps, 35))
    arrays = (
        rng.uniform(0.0, 1e6, (sizes[0], 2, ages)),
        rng.uniform(0.0, 1.0, (sizes[1], steps, 2, ages)),
        rng.uniform(0.9, 1.0, (sizes[2], steps, 2)),
        asfr,
        rng.uniform(0.45, 0.55, (sizes[4], steps)),
        rng.uniform(-1e3, 1e4, (sizes[5], steps, 2, ages)),
    )
    return max(sizes), arrays


@settings(max_examples=40)
@given(inputs())
def test_kernel_equals_numpy_reference(case) -> None:
    draws, arrays = case
    got = run_projection(*arrays, draws=draws)
    want = project_reference(*arrays)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, np.broadcast_to(w, g.shape), rtol=1e-12, atol=1e-6)


@settings(max_examples=40)
@given(inputs())
def test_accounting_identities(case) -> None:
    """Survivors age by one, births enter age 0, migration is added: each cell, and the totals
    N[t] = N[t-1] + B - D + M, hold to rounding."""
    draws, (pop0, survival, infant, asfr, male_share, migration) = case
    pop, births, deaths = run_projection(pop0, survival, infant, asfr, male_share, migration, draws=draws)
    S, M, w = (np.broadcast_to(x, (draws,) + x.shape[1:]) for x in (survival, migration, male_share))
    I = np.broadcast_to(infant, (draws,) + infant.shape[1:])
    start, end = pop[:, :-1], pop[:, 1:]
    np.testing.assert_allclose(end[..., 1:100], S[..., :99] * start[..., :99] + M[..., 1:100], rtol=1e-12, atol=1e-6)
    open_group = S[..., 99] * start[..., 99] + S[..., 100] * start[..., 100] + M[..., 100]
    np.testing.assert_allclose(end[..., 100], open_group, rtol=1e-12, atol=1e-6)
    boys, girls = births * w * I[..., 0], births * (1 - w) * I[..., 1]
    np.testing.assert_allclose(end[:, :, :, 0], np.stack([boys, girls], axis=-1) + M[..., 0], rtol=1e-12, atol=1e-6)
    change = end.sum(axis=(2, 3)) - start.sum(axis=(2, 3))
    np.testing.assert_allclose(change, births - deaths + M.sum(axis=(2, 3)), rtol=1e-12, atol=1e-4)


@settings(max_examples=30)
@given(inputs())
def test_no_negative_population_without_out_migration(case) -> None:
    draws, arrays = case
    arrays = (*arrays[:5], np.abs(arrays[5]))
    pop, births, deaths = run_projection(*arrays, draws=draws)
    assert (pop >= 0).all() and (births >= 0).all() and (deaths >= 0).all()


def test_deterministic_inputs_give_identical_draws() -> None:
    pop, births, _ = run_projection(*_hand_inputs(), draws=4)
    assert pop.shape == (4, 2, 2, 4)
    np.testing.assert_array_equal(pop, np.broadcast_to(pop[:1], pop.shape))
    np.testing.assert_array_equal(births, np.broadcast_to(births[:1], births.shape))


@settings(max_examples=30)
@given(inputs())
def test_floor_keeps_cells_at_zero_and_counts_the_migrants_who_stay(case) -> None:
    """With ``floor`` (stochastic draws) heavy out-migration leaves cells at 0, never below; the numba
    kernel equals its twin; the totals hold with the shortfall: N[t] = N[t-1] + B - D + M + shortfall."""
    draws, arrays = case
    arrays = (*arrays[:5], -30.0 * np.abs(arrays[5]) - 1.0)  # more out-migrants than some cells hold
    steps = arrays[1].shape[1]
    short, short_ref = np.zeros((draws, steps)), np.zeros((draws, steps))
    pop, births, deaths = run_projection(*arrays, draws=draws, floor=True, shortfall=short)
    ref = project_reference(*arrays, floor=True, shortfall=short_ref)
    for g, w in zip((pop, births, deaths, short), (*ref, short_ref)):
        np.testing.assert_allclose(g, np.broadcast_to(w, g.shape), rtol=1e-12, atol=1e-6)
    assert (pop >= 0).all() and (short > 0).any()
    M = np.broadcast_to(arrays[5], (draws,) + arrays[5].shape[1:]).sum(axis=(2, 3))
    change = pop[:, 1:].sum(axis=(2, 3)) - pop[:, :-1].sum(axis=(2, 3))
    np.testing.assert_allclose(change, births - deaths + M + short, rtol=1e-9, atol=1e-4)
