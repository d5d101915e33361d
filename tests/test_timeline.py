"""Dated parameters to annual values: time weighting and uprating, worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.model.timeline import annual
from simulator.scenario.params import Dated


def test_mid_year_change_is_time_weighted() -> None:
    """2019 (365 days): 0.20 for 1 Jan-30 Apr (120 days), 0.16 for 1 May-31 Dec (245 days):
    (0.20 x 120 + 0.16 x 245) / 365 = (24 + 39.2) / 365 = 0.173151."""
    p = Dated.model_validate({2015: 0.20, "2019-05-01": 0.16})
    np.testing.assert_allclose(annual(p, range(2018, 2021)), [0.20, 63.2 / 365, 0.16])


def test_uprating_after_last_date() -> None:
    """Pension 100 from 2020, uprated by 0.6 x wage growth + 0.01: wage growth 5% in 2021 and
    10% in 2022 gives 100 x (1 + 0.03 + 0.01) = 104, then 104 x (1 + 0.06 + 0.01) = 111.28."""
    p = Dated.model_validate({"values": {2020: 100}, "uprating": {"wage": 0.6, "fixed": 0.01}})
    got = annual(p, range(2020, 2023), wage_growth=np.array([0.0, 0.05, 0.10]))
    np.testing.assert_allclose(got, [100, 104, 111.28])


def test_uprating_needs_its_index() -> None:
    p = Dated.model_validate({"values": {2020: 100}, "uprating": {"prices": 1.0}})
    with pytest.raises(ValueError, match="inflation"):
        annual(p, range(2020, 2022))


def test_linear_interpolation_reads_mid_year() -> None:
    """Coverage 0.50 on 2015-07-01 rising linearly to 0.60 on 2020-07-01: 2017 (1 July) is 2/5 of
    the way (731 of 1827 days, 2016 is a leap year): 0.50 + 0.10 x 731 / 1827 = 0.540011; flat
    before and after."""
    p = Dated.model_validate({"values": {"2015-07-01": 0.5, "2020-07-01": 0.6}, "interpolation": "linear"})
    got = annual(p, range(2014, 2023))
    np.testing.assert_allclose(got[[0, 1, 3, 6, 8]], [0.5, 0.5, 0.5 + 0.1 * 731 / 1827, 0.6, 0.6])
