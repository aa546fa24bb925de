"""Tests of nnlib.data.regression (the x sin x toy and the Mauna Loa CO2 record, chapter 12)."""

import numpy as np
import pytest

from nnlib.data import CO2Data, Standardizer, load_co2, make_xsinx, xsinx


def test_xsinx_defaults_and_determinism():
    x, y = make_xsinx(20, rng=0)
    assert x.shape == y.shape == (20,)
    assert np.all(np.diff(x) >= 0) and x.min() >= -5 and x.max() <= 5
    np.testing.assert_array_equal(y, x * np.sin(x))  # no noise by default
    x2, y2 = make_xsinx(20, rng=0)
    np.testing.assert_array_equal(x, x2)
    assert not np.array_equal(x, make_xsinx(20, rng=1)[0])


def test_clusters_gaps_and_noise():
    x, y = make_xsinx(4000, clusters=[(-7, -2), (2, 7)], gaps=[(4, 5)], noise_std=0.5, rng=3)
    assert np.all(np.abs(x) >= 2) and np.all(np.abs(x) <= 7)
    assert not np.any((x > 4) & (x < 5))
    # points are spread in proportion to length: 5 + 4 units
    assert abs(np.mean(x < 0) - 5 / 9) < 0.03
    resid = y - xsinx(x)
    assert abs(resid.std() - 0.5) < 0.03 and abs(resid.mean()) < 0.03


@pytest.mark.parametrize("kwargs, msg", [
    ({"n": 0}, "n must be an integer >= 1"),
    ({"noise_std": -1.0}, "noise_std must be >= 0"),
    ({"clusters": [(1, 0)]}, "low < high"),
    ({"clusters": [(0, 1, 2)]}, r"\(low, high\) pairs"),
    ({"clusters": [(0, 1)], "gaps": [(-1, 2)]}, "remove every cluster"),
])
def test_xsinx_bad_input(kwargs, msg):
    with pytest.raises(ValueError, match=msg):
        make_xsinx(**{"n": 5, **kwargs})


def test_standardizer_round_trip():
    v = np.array([1.0, 2.0, 4.0, 9.0])
    s = Standardizer.fit(v)
    z = s.transform(v)
    assert abs(z.mean()) < 1e-12 and abs(z.std() - 1) < 1e-12
    np.testing.assert_allclose(s.inverse(z), v)
    np.testing.assert_allclose(s.inverse_scale(np.ones(2)), s.std)
    np.testing.assert_allclose(s.inverse_scale(np.ones(2), power=2), s.std**2)
    with pytest.raises(ValueError, match="2 distinct values"):
        Standardizer.fit([3.0, 3.0])


def test_load_co2_offline_clean_and_standardised():
    d = load_co2()
    assert isinstance(d, CO2Data)
    assert len(d.year) == 521  # 526 months 1958-03..2001-12, 5 without any measurement
    assert np.all(np.diff(d.year) > 0) and np.all(np.isfinite(d.ppm))
    assert 310 < d.ppm.min() < 320 and 365 < d.ppm.max() < 375
    assert np.all(d.year[d.train] < 1990) and np.all(d.year[~d.train] >= 1990)
    assert abs(d.x[d.train].mean()) < 1e-9 and abs(d.y[d.train].std() - 1) < 1e-9
    np.testing.assert_allclose(d.y_scaler.inverse(d.y), d.ppm)
    np.testing.assert_allclose(d.x_scaler.inverse(d.x), d.year)
    # the trend: each decade ends higher than it started
    assert d.ppm[-12:].mean() > d.ppm[:12].mean() + 50


def test_load_co2_window_and_errors():
    d = load_co2(start_year=1970, end_year=1980, train_until=1975)
    assert d.year.min() >= 1970 and d.year.max() < 1980 and d.train.sum() == 60
    with pytest.raises(ValueError, match="start_year < train_until <= end_year"):
        load_co2(start_year=1990, train_until=1980)
