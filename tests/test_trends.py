"""Spike detection: counts per period, detectors against hand-computed values, alerts."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from triage.errors import InputError
from triage.sample.generator import SampleCorpus, generate_sample
from triage.trends.alerts import Alert, AlertPeriod, alert_periods_frame, describe_alert, top_words
from triage.trends.counts import count_series, find_spikes
from triage.trends.detectors import EarsC, SeasonalNB, infer_freq, nb_upper_bound
from triage.trends.glm_batch import count_quantile, fit_poisson_batch

WEEKS_PER_YEAR = 365.25 / 7


def weekly_nb(
    n_series: int, years: float, mean: float, amplitude: float, phi: float, seed: int
) -> pd.DataFrame:
    """Negative-binomial weekly counts with an annual cycle (log amplitude ``amplitude``)."""
    rng = np.random.default_rng(seed)
    n = int(years * WEEKS_PER_YEAR)
    t = np.arange(n)
    mu = mean * np.exp(amplitude * np.cos(2 * np.pi * t / WEEKS_PER_YEAR))
    counts = rng.negative_binomial(mu / (phi - 1), 1 / phi, size=(n_series, n)).T
    index = pd.date_range("2018-01-01", periods=n, freq="7D")
    return pd.DataFrame(counts.astype(float), index=index)


def complaints(weekly: list[int], group: str = "banjir", start: str = "2023-01-02") -> pd.DataFrame:
    """One row per complaint, on the Wednesday of each week (Jakarta time, naive)."""
    stamps = [
        pd.Timestamp(start) + pd.Timedelta(weeks=week, days=2, hours=9)
        for week, n in enumerate(weekly)
        for _ in range(n)
    ]
    return pd.DataFrame(
        {
            "id": [f"{group}-{i}" for i in range(len(stamps))],
            "created_at": [s.isoformat() for s in stamps],
            "topic": group,
            "text": "jalan rusak",
        }
    )


# -- EARS, against values computed by hand from the R surveillance definitions ------------

SERIES = [1, 2, 3, 4, 5, 6, 7, 20, 4, 30]


@pytest.mark.parametrize(
    ("method", "position", "expected", "upper", "alarm"),
    [
        # baseline 1..7: mean 4, sd 2.1602, z(0.999) = 3.0902
        ("C1", 7, 4.0, 10.675665, True),
        # C2 skips two periods: the baseline of position 9 is still 1..7
        ("C2", 9, 4.0, 10.675665, True),
        # baseline 2..7 and 20 for C1 at position 8: mean 47/7, sd sqrt(223.4286 / 6)
        ("C1", 8, 47 / 7, 47 / 7 + 3.090232 * (223.4286 / 6) ** 0.5, False),
    ],
)
def test_ears_matches_hand_computed_values(
    method: str, position: int, expected: float, upper: float, alarm: bool
) -> None:
    index = pd.date_range("2024-01-01", periods=len(SERIES), freq="D")
    out = EarsC(method=method).detect(pd.Series(SERIES, index=index, dtype=float))
    row = out.iloc[position]
    assert row["expected"] == pytest.approx(expected)
    assert row["upperbound"] == pytest.approx(upper, rel=1e-5)
    assert bool(row["alarm"]) is alarm
    assert not out["alarm"].iloc[:7].any()


# -- GLM and thresholds against reference implementations ------------------------------


def test_batch_glm_matches_statsmodels() -> None:
    rng = np.random.default_rng(3)
    n = 150
    levels = np.eye(10)[rng.integers(0, 10, n)][:, 1:]
    x = np.column_stack([np.ones(n), levels, np.linspace(-1, 1, n)])
    y = rng.poisson(np.exp(1.0 + 0.4 * x[:, -1]), size=(2, n)).astype(float)
    weights = rng.uniform(0.2, 1.5, size=(2, n))
    fit = fit_poisson_batch(x, y, weights)
    for s in range(2):
        reference = sm.GLM(y[s], x, family=sm.families.Poisson(), var_weights=weights[s]).fit()
        np.testing.assert_allclose(fit.beta[s], reference.params, atol=1e-6)
        np.testing.assert_allclose(fit.fisher_inv[s], reference.cov_params(), atol=1e-5)


@pytest.mark.parametrize(
    ("mean", "dispersion", "alpha", "bound"),
    [(10.0, 1.0, 0.01, 18.0), (10.0, 2.0, 0.01, 23.0), (0.001, 1.0, 0.01, 0.0)],
)
def test_upper_bound_is_poisson_or_negative_binomial_quantile(
    mean: float, dispersion: float, alpha: float, bound: float
) -> None:
    assert nb_upper_bound(np.array([mean]), np.array([dispersion]), alpha)[0] == bound


@pytest.mark.parametrize("level", [0.9, 0.995, 0.9995])
def test_summed_quantile_equals_scipy(level: float) -> None:
    rng = np.random.default_rng(1)
    mean = np.r_[rng.lognormal(0.5, 1.5, 300), 0.0, 1e-6, 199.9, 250.0, 4000.0]
    dispersion = np.where(rng.uniform(size=mean.size) < 0.3, 1.0, rng.uniform(1.0, 8.0, mean.size))
    over = dispersion > 1
    size = mean / np.where(over, dispersion - 1, 1)
    reference = np.where(
        over,
        stats.nbinom.ppf(level, size, 1 / dispersion),
        stats.poisson.ppf(level, np.maximum(mean, 1e-12)),
    )
    np.testing.assert_array_equal(count_quantile(mean, dispersion, level), reference)


# -- the seasonal detector on simulated data --------------------------------------------


def test_seasonal_series_without_spikes_raises_few_false_alarms() -> None:
    counts = weekly_nb(n_series=20, years=4, mean=8, amplitude=0.8, phi=2.0, seed=11)
    out = SeasonalNB().detect_wide(counts)
    last_year = counts.index >= counts.index[-1] - pd.Timedelta(days=364)
    assert (out["method"].to_numpy()[last_year] == "seasonal").all()
    false_alarms = out["alarm"].to_numpy()[last_year].sum() / counts.shape[1]
    assert false_alarms <= 1.0


def test_seasonal_rise_alarms_only_without_seasonal_baseline() -> None:
    # The rainy-season rise (x5 from trough to peak) is no spike for the seasonal model, but
    # a baseline of recent weeks alone, forced by an impossible min_years, keeps alarming.
    counts = weekly_nb(n_series=10, years=4, mean=6, amplitude=0.8, phi=1.5, seed=5)
    last_year = counts.index >= counts.index[-1] - pd.Timedelta(days=364)
    seasonal = SeasonalNB().detect_wide(counts)["alarm"].to_numpy()[last_year].sum()
    recent = SeasonalNB(min_years=99).detect_wide(counts)["alarm"].to_numpy()[last_year].sum()
    assert seasonal < recent / 2


# The detector before the harmonic CUSUM default: ten Farrington levels, two-week rule.
TWO_WEEK_RULE = SeasonalNB(alpha=0.01, seasonality="farrington", years_back=5, cusum_reference=None)


def test_injected_spike_is_alarmed_and_past_spikes_do_not_hide_it() -> None:
    counts = weekly_nb(n_series=10, years=4, mean=8, amplitude=0.5, phi=1.5, seed=7)
    week = len(counts) - 20
    counts.iloc[week - 52 : week - 49] += 40  # last year's outbreak, same season
    counts.iloc[week] += 25.0
    counts.iloc[week + 1] += 15.0
    for detector in (SeasonalNB(), TWO_WEEK_RULE):
        alarms = detector.detect_wide(counts)["alarm"].to_numpy()
        assert alarms[week : week + 2].any(axis=0).all()
    # Farrington's ten levels put last year's outbreak in this week's own level, where only
    # the reweighting keeps it from hiding the spike.
    unweighted = replace(TWO_WEEK_RULE, reweight=False).detect_wide(counts)["alarm"].to_numpy()
    assert unweighted[week : week + 2].any(axis=0).sum() < 5


def test_two_moderate_weeks_alarm_on_their_sum_and_a_lone_spike_does_not_spill_over() -> None:
    index = pd.date_range("2023-01-02", periods=40, freq="7D")
    counts = pd.DataFrame({"observed": 20.0}, index=index)
    counts.iloc[-8:-6] = 31.0  # each below the one-week bound, together above theirs
    counts.iloc[-3] = 60.0  # a lone spike, then back to normal
    out = TWO_WEEK_RULE.detect(counts)
    single = replace(TWO_WEEK_RULE, span=1).detect(counts)
    assert out["upperbound"].iloc[-9] > 31
    assert single["upperbound"].iloc[-9] > 31
    assert not single["alarm"].iloc[-8:-6].any()
    assert out["alarm"].iloc[-7]
    assert out["alarm"].iloc[-3:].tolist() == [True, False, False]
    alarmed = out[out["alarm"]]
    assert (alarmed["observed"] > alarmed["upperbound"]).all()
    assert (alarmed["score"] > 1).all()


def test_short_history_falls_back_to_recent_baseline_and_says_so() -> None:
    counts = weekly_nb(n_series=1, years=1.2, mean=10, amplitude=0.3, phi=1.5, seed=2)
    counts.iloc[-3, 0] += 60
    out = SeasonalNB().detect(counts.rename(columns={0: "observed"}))
    assert set(out["method"]) == {"none", "recent"}
    assert out["alarm"].iloc[-3]
    assert out["alarm"].sum() <= 3
    frame = counts.rename(columns={0: "count"}).rename_axis("date").reset_index()
    report = find_spikes(frame, date_col="date", count_col="count")
    spike = next(a for a in report.alerts if a.start == counts.index[-3])
    assert spike.method == "recent"
    assert "less than two years" in spike.reason
    assert "short history" in describe_alert(spike)


@pytest.mark.parametrize("index", [pd.date_range("2024-01-01", periods=5, freq="2D"), [1, 2, 3]])
def test_irregular_periods_are_refused(index: pd.Index) -> None:
    with pytest.raises(InputError):
        infer_freq(pd.Index(index))


# -- counting --------------------------------------------------------------------------


def test_missing_periods_are_zeros_and_weeks_start_on_monday() -> None:
    frame = pd.DataFrame(
        {
            "created_at": ["2024-01-03 10:00", "2024-01-07 23:00", "2024-01-24 08:00"],
            "topic": ["a", "a", "b"],
        }
    )
    counts = count_series(frame, group_cols=["topic"], freq="W")
    assert list(counts.index.strftime("%Y-%m-%d")) == [
        "2024-01-01",
        "2024-01-08",
        "2024-01-15",
        "2024-01-22",
    ]
    assert counts["a"].tolist() == [2, 0, 0, 0]
    assert counts["b"].tolist() == [0, 0, 0, 1]


@pytest.mark.parametrize(
    ("stamp", "day"),
    [
        ("2024-01-07 23:30", "2024-01-07"),  # naive: already Jakarta time
        ("2024-01-07T20:00:00+00:00", "2024-01-08"),  # 03:00 next day in Jakarta
        ("2024-01-08T01:00:00+07:00", "2024-01-08"),
    ],
)
def test_timestamps_are_counted_in_jakarta_time(stamp: str, day: str) -> None:
    frame = pd.DataFrame({"created_at": [stamp, "2024-01-05 12:00"]})
    counts = count_series(frame, freq="D")
    assert counts.loc[pd.Timestamp(day), "all"] == 1


def test_precounted_rows_are_summed_per_group() -> None:
    frame = pd.DataFrame(
        {
            "date": ["2024-01-01", "2024-01-02", "2024-01-01", "2024-01-15"],
            "topic": ["banjir", "banjir", "jalan", "banjir"],
            "kecamatan": ["Coblong", "Coblong", "Coblong", "Sukajadi"],
            "count": [3, 4, 2, 1],
        }
    )
    counts = count_series(
        frame, date_col="date", group_cols=["topic", "kecamatan"], count_col="count"
    )
    assert counts[("banjir", "Coblong")].tolist() == [7, 0, 0]
    assert counts[("banjir", "Sukajadi")].tolist() == [0, 0, 1]
    assert counts[("jalan", "Coblong")].sum() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"count": [1, -2]}, "negative"),
        ({"count": ["1", "x"]}, "non-numeric"),
        ({"date": ["2024-01-01", "not a date"]}, "date"),
        ({"date": ["2024-01-01", None]}, "date"),
    ],
)
def test_bad_precounted_input_raises_input_error(change: dict[str, list], message: str) -> None:
    frame = pd.DataFrame({"date": ["2024-01-01", "2024-01-08"], "count": [1, 2]})
    frame = frame.assign(**change)
    with pytest.raises(InputError, match=message):
        count_series(frame, date_col="date", count_col="count")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"group_cols": ["opd"]}, "missing column"), ({"freq": "M"}, "unknown frequency")],
)
def test_bad_arguments_raise_input_error(kwargs: dict, message: str) -> None:
    frame = pd.DataFrame({"created_at": ["2024-01-01"]})
    with pytest.raises(InputError, match=message):
        count_series(frame, **kwargs)


# -- alerts ------------------------------------------------------------------------------

QUIET = [5, 6, 4, 5, 7, 5, 6, 4, 5, 6, 5, 4, 6, 5, 5, 6, 4, 5]


def test_three_week_spike_is_one_alert_with_its_evidence() -> None:
    frame = complaints([*QUIET, 30, 35, 28, 5, 6])
    frame.loc[frame.index[-70:-11], "text"] = "banjir genangan di jalan"
    report = find_spikes(frame, group_cols=["topic"])
    assert len(report.alerts) == 1
    alert = report.alerts[0]
    assert [f"{p.date:%Y-%m-%d}" for p in alert.periods] == [
        "2023-05-08",
        "2023-05-15",
        "2023-05-22",
    ]
    assert alert.observed == 93
    assert alert.group_values == (("topic", "banjir"),)
    assert alert.top_words[:2] == ("banjir", "genangan")
    assert len(alert.example_ids) == 5
    rows = alert_periods_frame(report.alerts)
    assert rows["alert_id"].nunique() == 1
    assert list(rows.columns) == [
        "group",
        "date",
        "observed",
        "expected",
        "upperbound",
        "score",
        "alert_id",
    ]


def test_only_the_spiking_group_alerts_and_alerts_are_ranked() -> None:
    frame = pd.concat(
        [
            complaints([*QUIET, 40], group="banjir"),
            complaints([*QUIET, 15], group="jalan"),
            complaints([*QUIET, 6], group="sampah"),
        ]
    )
    alerts = find_spikes(frame, group_cols=["topic"]).alerts
    assert [a.group for a in alerts] == ["banjir", "jalan"]
    assert alerts[0].severity > alerts[1].severity
    # The concatenated frame repeats index labels: evidence must still follow the rows.
    assert all(i.startswith("banjir-") for i in alerts[0].example_ids)
    assert all(i.startswith("jalan-") for i in alerts[1].example_ids)


def _alert(method: str, group_values: tuple[tuple[str, str], ...], periods: int) -> Alert:
    start = pd.Timestamp("2024-01-08")
    return Alert(
        alert_id="x",
        group="|".join(v for _, v in group_values),
        group_values=group_values,
        freq="W",
        start=start,
        end=start + pd.Timedelta(weeks=periods - 1),
        periods=tuple(AlertPeriod(start, 14, 4.5, 8, 2.7) for _ in range(periods)),
        observed=42,
        expected=13.5,
        upperbound=24,
        severity=18,
        peak_score=2.7,
        method=method,
        reason="",
    )


@pytest.mark.parametrize(
    ("method", "periods", "lang", "sentence"),
    [
        (
            "seasonal",
            1,
            "en",
            "Banjir/genangan in Kecamatan Bandung Kidul: 42 complaints in the week of "
            "2024-01-08, 3.1× the expected 13.5 (upper bound 24)",
        ),
        (
            "seasonal",
            3,
            "id",
            "Banjir/genangan di Kecamatan Bandung Kidul: 42 pengaduan dalam 3 minggu "
            "2024-01-08 s.d. 2024-01-22, 3,1× dari perkiraan 13,5 (batas atas 24)",
        ),
        (
            "recent",
            1,
            "en",
            "Banjir/genangan in Kecamatan Bandung Kidul: 42 complaints in the week of "
            "2024-01-08, 3.1× the expected 13.5 (upper bound 24); short history, not "
            "seasonally adjusted",
        ),
    ],
)
def test_alert_sentence(method: str, periods: int, lang: str, sentence: str) -> None:
    group = (("topic", "Banjir/genangan"), ("kecamatan", "Bandung Kidul"))
    assert describe_alert(_alert(method, group, periods), lang=lang) == sentence


@pytest.mark.parametrize(
    ("spike", "rest", "words"),
    [
        (["banjir di jalan", "banjir lagi", "air banjir"], ["jalan rusak"] * 3, ("banjir",)),
        (["Jalan RUSAK!", "jalan rusak parah"], ["jalan macet", "jalan ramai"], ("rusak",)),
        ([], ["banjir"], ()),
    ],
)
def test_top_words_are_those_that_rose(spike: list, rest: list, words: tuple) -> None:
    assert top_words(spike, rest) == words


# -- the synthetic corpus of `triage sample`: recorded spikes found, the rainy season not --

RISE_MONTHS = (10, 11, 12, 1)  # the sample's rain factor climbs from 0.45 to 1.9 over these


@pytest.fixture(scope="module")
def sample() -> SampleCorpus:
    return generate_sample(rows=10_000, seed=7)


def test_recorded_spikes_of_the_sample_corpus_are_found(sample: SampleCorpus) -> None:
    by_topic = find_spikes(sample.complaints, group_cols=["topic"]).alerts
    # Per kecamatan only for the topics of local spikes: their alerts, far fewer series.
    local_topics = sample.spikes.loc[sample.spikes["kecamatan"].notna(), "topic"]
    local_rows = sample.complaints[sample.complaints["topic"].isin(local_topics)]
    by_place = find_spikes(local_rows, group_cols=["topic", "kecamatan"]).alerts
    first_week = sample.complaints["created_at"].min() + pd.Timedelta(weeks=4)
    found = []
    for spike in sample.spikes.itertuples():
        if pd.Timestamp(spike.start) < first_week:
            continue  # no detector has a baseline in the first four weeks of data
        local = isinstance(spike.kecamatan, str)
        group = f"{spike.topic}|{spike.kecamatan}" if local else spike.topic
        alerts = by_place if local else by_topic
        found.append(
            any(
                a.group == group
                and a.end >= pd.Timestamp(spike.start) - pd.Timedelta(days=6)
                and a.start <= pd.Timestamp(spike.end)
                for a in alerts
            )
        )
    assert len(found) >= 4
    assert all(found)


def test_rainy_season_rise_alone_raises_no_alert(sample: SampleCorpus) -> None:
    flood = sample.complaints[sample.complaints["topic"] == "Banjir dan Genangan"]
    spikes = sample.spikes[sample.spikes["topic"] == "Banjir dan Genangan"]

    def rise_alerts(detector: SeasonalNB) -> list[Alert]:
        report = find_spikes(flood, group_cols=["topic"], detector=detector, since="2024-01-01")
        return [
            a
            for a in report.alerts
            if a.start.month in RISE_MONTHS
            and not any(a.start <= s.end and a.end >= s.start - pd.Timedelta(days=6)
                        for s in spikes.itertuples())
        ]  # fmt: skip

    assert rise_alerts(SeasonalNB()) == []
    # Without the seasonal model (as with a short history) the rise does alarm.
    assert rise_alerts(SeasonalNB(min_years=99)) != []
