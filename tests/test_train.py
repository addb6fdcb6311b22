"""Training shares its text work between the hold-out fit and the refit, and reports progress."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer

from training.cli import main
from training.progress import stage_progress
from triage import TriageModel, build_pipeline, train_model
from triage.model.pipeline import build_features
from triage.model.term_counts import count_terms
from triage.model.train import STAGES, _training_labels, training_rows
from triage.model.triage_model import Columns, compose_documents
from triage.model.vectorizers import WordNgramTfidf
from triage.sample.generator import generate_sample
from triage.text.normalization import TextNormalizer


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return generate_sample(rows=600, seed=3).complaints


VECTORIZERS = {
    **dict(build_features().named_steps["union"].transformer_list),
    "unigrams": WordNgramTfidf(token_pattern=r"\S+", lowercase=False, min_df=2),
    # Counted by scikit-learn itself, not from the shared tokens.
    "raw chars": TfidfVectorizer(analyzer="char", ngram_range=(2, 3), min_df=0.01),
}


@pytest.mark.parametrize("name", list(VECTORIZERS))
def test_shared_counts_fit_exactly_as_the_vectorizer_does(sample: pd.DataFrame, name: str) -> None:
    documents = TextNormalizer().transform(compose_documents(sample, Columns()))
    documents[5:8] = ["", "jalan", "jalan rusak"]
    template = VECTORIZERS[name]
    (counts,) = count_terms([template], documents)
    fitted, matrix = counts.fit(slice(0, 480))
    reference = clone(template)
    expected = reference.fit_transform(documents[:480])
    assert fitted.vocabulary_ == reference.vocabulary_
    assert np.array_equal(fitted.idf_, reference.idf_)
    # The same weights; only the order of summing a row's norm may differ.
    assert abs(matrix - expected).max() < 1e-6
    latest = reference.transform(documents[480:])
    assert abs(counts.transform(fitted, slice(480, None)) - latest).max() < 1e-6
    assert abs(fitted.transform(documents[480:]) - latest).max() < 1e-6


def test_model_routes_raw_text_as_one_fitted_the_plain_way(sample: pd.DataFrame) -> None:
    model = train_model(sample)
    assert model.metadata is not None
    params = model.metadata.params
    # The plain way: the whole pipeline, normaliser included, fitted on the raw documents.
    data, _ = training_rows(sample, Columns())
    plain = build_pipeline(
        C=params["C"], min_df=params["min_df"], temperatures=params["temperatures"]
    ).fit(compose_documents(data, Columns()), _training_labels(data, Columns(), 10))
    assert isinstance(
        model.pipeline.named_steps["features"].named_steps["normalize"], TextNormalizer
    )
    texts = ["lampu jalan mati udh seminggu di gg mawar", "sampah numpuk", "", "banjir lagi"]
    features = [p.named_steps["features"].transform(texts) for p in (model.pipeline, plain)]
    assert abs(features[0] - features[1]).max() == 0
    ours, theirs = model.pipeline.predict_proba(texts), plain.predict_proba(texts)
    for head in ("opd", "topic"):
        # liblinear draws a random order of its coordinates on every fit: equal up to its tolerance.
        assert np.allclose(ours[head], theirs[head], atol=1e-3)
        assert (ours[head].argmax(axis=1) == theirs[head].argmax(axis=1)).all()
    plain_model = TriageModel(plain, model.policy, model.columns)
    assert [d.opd for d in model.decide_frame(sample.tail(50))] == [
        d.opd for d in plain_model.decide_frame(sample.tail(50))
    ]


def test_training_reports_its_stages(corpus: pd.DataFrame) -> None:
    seen: list[str] = []
    train_model(corpus, progress=seen.append)
    assert seen == list(STAGES)
    seen.clear()
    train_model(corpus, holdout=0, progress=seen.append)
    assert seen == [stage for stage in STAGES if "hold-out" not in stage]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_stage_bar_draws_at_a_terminal_only() -> None:
    terminal, pipe = _Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        with stage_progress(["read", "fit", "save"], stream=stream) as progress:
            for stage in ("read", "fit", "save"):
                progress(stage)
    assert "read" in terminal.getvalue()
    assert "done" in terminal.getvalue()
    assert "3/3" in terminal.getvalue()
    assert pipe.getvalue() == ""


def test_train_command_is_quiet_off_a_terminal_and_logs_stages_with_v(
    tmp_path: Path,
    corpus_csv: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert main(["train", "--data", str(corpus_csv), "--out", str(tmp_path / "a")]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert json.loads(out)["rows"] == 80
    caplog.set_level(logging.INFO, logger="training.progress")
    assert main(["-v", "train", "--data", str(corpus_csv), "--out", str(tmp_path / "b")]) == 0
    logged = [r.getMessage() for r in caplog.records if r.name == "training.progress"]
    assert [m.split(" (at ")[0] for m in logged] == ["read the file", *STAGES, "save the model"]


def test_the_model_keeps_the_n_gram_columns_of_its_training_words(
    trained_model: TriageModel, corpus: pd.DataFrame
) -> None:
    features = trained_model.pipeline.named_steps["features"]
    chars = dict(features.named_steps["union"].transformer_list)["chars"]
    documents = compose_documents(corpus, trained_model.columns)
    words = {
        w for doc in features.named_steps["normalize"].transform(documents) for w in doc.split()
    }
    assert set(chars.word_columns_) == words
