"""GCJ-02 and BD-09 to WGS-84 against published reference points."""

from __future__ import annotations

import pytest

from gridworker.domain.coordinates import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_wgs84,
    wgs84_to_gcj02,
)

# (WGS-84 lon, lat, GCJ-02 lon, lat): the test points of the eviltransform project
# (Shanghai, Shenzhen, Beijing).
WGS_GCJ = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),
]


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), WGS_GCJ)
def test_gcj02_both_ways(wlon: float, wlat: float, glon: float, glat: float) -> None:
    """Proves the forward shift matches the reference to 1e-9 degrees and the inverse gets
    the WGS-84 point back to under 1e-7 degrees (about a centimetre)."""
    assert wgs84_to_gcj02(wlon, wlat) == pytest.approx((glon, glat), abs=1e-9)
    assert gcj02_to_wgs84(glon, glat) == pytest.approx((wlon, wlat), abs=1e-7)


def test_bd09_and_gcoord_reference_points() -> None:
    """Proves BD-09 → GCJ-02 and GCJ-02 → WGS-84 match the published test values of the
    gcoord project for (123, 45) (its values are rounded to 8 places), and BD-09 → WGS-84 is
    the two steps in turn."""
    # gcoord: GCJ-02 (123, 45) is BD-09 (123.00636499, 45.00636899) and WGS-84
    # (122.99395597, 44.99804071).
    assert bd09_to_gcj02(123.00636499, 45.00636899) == pytest.approx((123, 45), abs=2e-6)
    assert gcj02_to_wgs84(123, 45) == pytest.approx((122.99395597, 44.99804071), abs=5e-7)
    assert bd09_to_wgs84(123.00636499, 45.00636899) == pytest.approx(
        (122.99395597, 44.99804071), abs=3e-6
    )


def test_gcj02_of_pingxiang_is_a_few_hundred_metres_off() -> None:
    """Proves the shift at Anyuan (the demo district) is the few hundred metres the maps
    show, so a converted boundary really moves."""
    lon, lat = gcj02_to_wgs84(113.855044, 27.625826)
    assert 0.003 < abs(lon - 113.855044) + abs(lat - 27.625826) < 0.01
