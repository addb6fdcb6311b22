"""Saving a trained model as a new version: the hold-out rows kept beside it."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from triage import TriageModel
from triage.modelops.promotion import HOLDOUT
from triage.modelops.versions import holdout_rows, save_version


@pytest.mark.parametrize(
    ("titles", "kept"),
    [
        (["wa 081234567890", None, np.nan, 7], ["'wa [telepon]'", "None", "nan", "7"]),
        ([None] * 4, ["None"] * 4),
        ([np.nan] * 4, ["nan"] * 4),
    ],
)
def test_saved_holdout_rows_mask_strings_and_keep_other_values_as_they_came(
    corpus: pd.DataFrame, trained_model: TriageModel, titles: list[object], kept: list[str]
) -> None:
    earlier = [titles[-1]] * (len(corpus) - len(titles))
    frame = corpus.assign(title=pd.Series(earlier + titles, index=corpus.index, dtype=object))
    held = holdout_rows(frame, trained_model, 0.2)
    assert held is not None
    assert held["title"].iloc[-len(titles) :].map(repr).tolist() == kept


def test_saved_holdout_rows_are_the_ones_train_model_kept_out(
    tmp_path: Path, corpus: pd.DataFrame, trained_model: TriageModel
) -> None:
    shuffled = corpus.sample(frac=1.0, random_state=3)  # file order must not matter
    model = copy.deepcopy(trained_model)  # saving renames the shared fixture's version
    meta = save_version(model, tmp_path / "models", shuffled, holdout=0.2)
    saved = pd.read_csv(tmp_path / "models" / meta.version / HOLDOUT)
    latest = corpus.sort_values("created_at").tail(meta.metrics["holdout"]["rows"]["test"])
    assert sorted(saved["id"]) == sorted(latest["id"])
