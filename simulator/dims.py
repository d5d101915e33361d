"""The dimension vocabulary: the names of the axes of every model array and output Dataset, and
their coordinates. Model arrays put their axes in this order: ``draw, year, group | sex, age, service``.
"""

from __future__ import annotations

import numpy as np

DRAW, YEAR, SCHEME, GROUP, SEX, AGE, SERVICE, REGION, QUANTILE = (
    "draw", "year", "scheme", "group", "sex", "age", "service", "region", "quantile",
)  # fmt: skip

SEXES = ("male", "female")
GROUPS = ("M60", "F55", "F50")  # retirement groups: men; women by their old retirement age (55 cadres, 50 workers)
SEX_OF_GROUP = np.array([0, 1, 1], dtype=np.int64)  # M60 -> male; F55, F50 -> female
N_AGES = 101  # single ages 0..99 and the open group 100+
AGES = np.arange(N_AGES)
SERVICE_YEARS = 51  # completed contribution years 0..50 (50 = 50 and more)
SCHEMES = ("employee_pension", "resident_pension", "unemployment", "work_injury")

COORD_ATTRS = {
    YEAR: {"units": "year", "long_name": "calendar year (stocks at year end, flows during the year)"},
    AGE: {"units": "years", "long_name": "age in completed years at year end (100 = 100 and over)"},
    SEX: {"long_name": "sex"},
    SCHEME: {"long_name": "social-insurance scheme"},
    GROUP: {"long_name": "retirement group (M60 men; F55, F50 women by their old retirement age)"},
    DRAW: {"long_name": "draw (one set of parameter values or shocks)"},
    QUANTILE: {"units": "1", "long_name": "quantile over the draws (0.5: the median)"},
}
QUANTILES = (0.025, 0.1, 0.5, 0.9, 0.975)  # the percentiles of a stochastic run: 95% and 80% bands and the median
