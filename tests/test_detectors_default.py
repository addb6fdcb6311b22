"""The default detector (0-2 harmonics by QAIC on up to seven years, CUSUM 0.75): golden alarms."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from tests.test_detectors_cusum import weekly_poisson
from triage.errors import InputError
from triage.trends.detectors import SeasonalNB

# A fixed, seeded series: six years of seasonal Poisson counts (mean about 7 a week, one
# harmonic), two raised weeks in the last year (290, 291; +7 and +9), both alarmed.
# Weeks 4-104 have the recent baseline only, judged by the two-week rule; from week 105 the
# harmonic GLM and the CUSUM.  With two harmonics always (before the QAIC choice) week 200
# alarmed falsely and 290 did not: [159, 181, 200, 291].
GOLDEN_ALARMS = [159, 181, 290, 291]


def _golden_series() -> pd.DataFrame:
    counts, _ = weekly_poisson(6, seed=3)
    counts.iloc[290:292, 0] += [7.0, 9.0]
    return counts


def test_golden_alarms_of_the_default_detector() -> None:
    out = SeasonalNB().detect(_golden_series())
    assert np.flatnonzero(out["alarm"].to_numpy()).tolist() == GOLDEN_ALARMS
    alarmed = out[out["alarm"]]
    assert (alarmed["observed"] > alarmed["upperbound"]).all()
    assert (alarmed["score"] > 1).all()
    assert out["method"].iloc[105:].eq("seasonal").all()


def test_cusum_carries_evidence_only_on_the_seasonal_baseline() -> None:
    counts = _golden_series()
    default = SeasonalNB().detect(counts)
    two_week = replace(SeasonalNB(), cusum_reference=None).detect(counts)
    recent = default["method"].eq("recent").to_numpy()
    np.testing.assert_array_equal(
        default["upperbound"].to_numpy()[recent], two_week["upperbound"].to_numpy()[recent]
    )
    seasonal = default["method"].eq("seasonal").to_numpy()
    assert (
        default["upperbound"].to_numpy()[seasonal] != two_week["upperbound"].to_numpy()[seasonal]
    ).any()


def test_a_smaller_alpha_raises_fewer_alarms() -> None:
    counts = _golden_series()
    loose = SeasonalNB(alpha=0.01).detect(counts)["alarm"].to_numpy()
    strict = SeasonalNB(alpha=0.0005).detect(counts)["alarm"].to_numpy()
    assert strict.sum() < loose.sum()
    assert not (strict & ~loose)[105:].any()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"exclude_recent_weeks": -1}, "exclude_recent_weeks must be 0 or more"),
        ({"span": 3}, "span must be 1 or 2"),
        ({"alpha": 0.7}, "alpha must be in"),
    ],
)
def test_bad_options_are_one_line_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        SeasonalNB(**kwargs).detect(_golden_series())
    assert "\n" not in str(caught.value)
