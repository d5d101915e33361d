"""Correlated AR(1) shocks, drawn with one seeded ``numpy.random.Generator``.

For k variables and years t = 0 .. T-1 of one draw:

    z_(-1) = initial_sd * u_(-1)                      (state in the year before the first drawn year)
    z_t    = persistence * z_(t-1) + innovation_sd * u_t,   u_t = F e_t,   F F' = correlation,
    e_t ~ N(0, I_k)

z is the deviation from the scenario's central path, in the variable's own unit (a fraction per
year for rates, children per woman for the TFR, years for e0). Parameters come from
``simulator/data/uncertainty/defaults.yaml`` (see :func:`processes_from_defaults`).

Reproducibility: the normals of draw i are taken from the generator's stream in draw order
(``shape = (draws, years + 1, k)``, C order), so the same seed gives bit-identical shocks, draw i
does not depend on how many draws follow it, and drawing in blocks of any size gives the same
numbers (memory stays bounded by the block).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

_PSD_TOL = 1e-9


def correlation_factor(corr: np.ndarray, label: str = "correlation") -> np.ndarray:
    """F with F F' = corr: Cholesky when positive definite, else the symmetric eigen factor (PSD).

    Raises ValueError (naming ``label``) when corr is not a symmetric matrix with unit diagonal and
    eigenvalues >= 0.
    """
    c = np.asarray(corr, dtype=float)
    if c.ndim != 2 or c.shape[0] != c.shape[1]:
        raise ValueError(f"{label}: expected a square matrix, got shape {c.shape}")
    if not np.all(np.isfinite(c)):
        raise ValueError(f"{label}: contains a non-finite value")
    if not np.allclose(c, c.T, atol=1e-12):
        raise ValueError(f"{label}: not symmetric")
    if not np.allclose(np.diag(c), 1.0, atol=1e-12):
        raise ValueError(f"{label}: diagonal must be 1 (a correlation matrix)")
    if np.any(np.abs(c) > 1.0 + 1e-12):
        raise ValueError(f"{label}: an entry lies outside [-1, 1]")
    try:
        return np.linalg.cholesky(c)
    except np.linalg.LinAlgError:
        w, v = np.linalg.eigh(c)
        if w.min() < -_PSD_TOL:
            raise ValueError(f"{label}: not positive semi-definite (smallest eigenvalue {w.min():.3g})") from None
        return v * np.sqrt(np.clip(w, 0.0, None))


@dataclass(frozen=True)
class ShockProcess:
    """k correlated AR(1) deviations: names, persistence (k,), innovation_sd (k,), correlation (k, k),
    initial_sd (k,) = sd of the state in the year before the first drawn year (0: start on the path)."""

    names: tuple[str, ...]
    persistence: np.ndarray
    innovation_sd: np.ndarray
    correlation: np.ndarray
    initial_sd: np.ndarray
    label: str = "shocks"

    def __post_init__(self) -> None:
        k = len(self.names)
        if k == 0 or len(set(self.names)) != k:
            raise ValueError(f"{self.label}: names must be distinct and not empty")
        for attr in ("persistence", "innovation_sd", "initial_sd"):
            a = np.asarray(getattr(self, attr), dtype=float)
            if a.shape != (k,):
                raise ValueError(f"{self.label}.{attr}: expected {k} values, got shape {a.shape}")
            if not np.all(np.isfinite(a)):
                raise ValueError(f"{self.label}.{attr}: contains a non-finite value")
            object.__setattr__(self, attr, a)
        bad = np.abs(self.persistence) >= 1.0
        if bad.any():
            name = self.names[int(np.argmax(bad))]
            raise ValueError(f"{self.label}.persistence.{name}: must lie in (-1, 1) (a stationary AR(1))")
        for attr in ("innovation_sd", "initial_sd"):
            neg = getattr(self, attr) < 0.0
            if neg.any():
                raise ValueError(f"{self.label}.{attr}.{self.names[int(np.argmax(neg))]}: must be >= 0")
        c = np.asarray(self.correlation, dtype=float)
        object.__setattr__(self, "correlation", c)
        if c.shape != (k, k):
            raise ValueError(f"{self.label}.correlation: expected a {k}x{k} matrix, got shape {c.shape}")
        correlation_factor(c, f"{self.label}.correlation")

    @property
    def factor(self) -> np.ndarray:
        return correlation_factor(self.correlation, f"{self.label}.correlation")


def _check_sizes(n_years: int, n_draws: int, block_size: int) -> None:
    if n_years < 0 or n_draws < 0:
        raise ValueError("n_years and n_draws must be >= 0")
    if block_size < 1:
        raise ValueError("block_size must be >= 1")


def iter_shock_blocks(process: ShockProcess, n_years: int, n_draws: int, rng: np.random.Generator,
                      block_size: int = 1000) -> Iterator[np.ndarray]:
    """Yield the shocks in blocks of at most ``block_size`` draws, each of shape (block, n_years, k)."""
    _check_sizes(n_years, n_draws, block_size)
    factor = process.factor
    k = len(process.names)
    phi, sd, sd0 = process.persistence, process.innovation_sd, process.initial_sd
    for first in range(0, n_draws, block_size):
        b = min(block_size, n_draws - first)
        e = rng.standard_normal((b, n_years + 1, k))
        # u = e F' summed term by term (no BLAS: the same bits on any thread count); u[:, 0] is for z_(-1)
        u = e[:, :, :1] * factor[:, 0]
        for i in range(1, k):
            u = u + e[:, :, i : i + 1] * factor[:, i]
        out = np.empty((b, n_years, k))
        z = sd0 * u[:, 0, :]
        for t in range(n_years):
            z = phi * z + sd * u[:, t + 1, :]
            out[:, t, :] = z
        yield out


def draw_shocks(process: ShockProcess, years: Sequence[int] | np.ndarray, n_draws: int,
                rng: np.random.Generator, block_size: int = 1000) -> dict[str, np.ndarray]:
    """Shocks by variable name, each an array [draw, year] of shape (n_draws, len(years))."""
    n_years = len(years)
    _check_sizes(n_years, n_draws, block_size)
    out = {name: np.empty((n_draws, n_years)) for name in process.names}
    first = 0
    for block in iter_shock_blocks(process, n_years, n_draws, rng, block_size):
        b = block.shape[0]
        for i, name in enumerate(process.names):
            out[name][first : first + b] = block[:, :, i]
        first += b
    return out


def _get(mapping: Mapping, path: str):
    node = mapping
    for key in path.split("."):
        if not isinstance(node, Mapping) or key not in node:
            raise ValueError(f"{path}: missing in the uncertainty defaults")
        node = node[key]
    return node


def processes_from_defaults(defaults: Mapping) -> dict[str, ShockProcess]:
    """The ``economy`` and ``demography`` processes from the parsed defaults.yaml mapping.

    demography: variables tfr, e0_male, e0_female; corr(e0_male, e0_female) = e0_sex_correlation,
    corr(tfr, e0_*) = tfr_e0_correlation.
    """
    variables = _get(defaults, "economy.variables")
    names = tuple(variables)
    economy = ShockProcess(
        names=names,
        persistence=np.array([_get(variables, f"{n}.persistence") for n in names], dtype=float),
        innovation_sd=np.array([_get(variables, f"{n}.innovation_sd") for n in names], dtype=float),
        correlation=np.array(_get(defaults, "economy.correlation"), dtype=float),
        initial_sd=np.zeros(len(names)),
        label="economy",
    )
    demo_names = ("tfr", "e0_male", "e0_female")
    rho_sex = float(_get(defaults, "demography.e0_sex_correlation"))
    rho_te = float(_get(defaults, "demography.tfr_e0_correlation"))
    demography = ShockProcess(
        names=demo_names,
        persistence=np.array([_get(defaults, f"demography.{n}.persistence") for n in demo_names], dtype=float),
        innovation_sd=np.array([_get(defaults, f"demography.{n}.innovation_sd") for n in demo_names], dtype=float),
        correlation=np.array([[1.0, rho_te, rho_te], [rho_te, 1.0, rho_sex], [rho_te, rho_sex, 1.0]]),
        initial_sd=np.array([_get(defaults, f"demography.{n}.initial_sd") for n in demo_names], dtype=float),
        label="demography",
    )
    return {"economy": economy, "demography": demography}
