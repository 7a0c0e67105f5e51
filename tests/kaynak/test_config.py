"""One settings object: defaults, config file with profiles, environment overrides, clear errors."""
from __future__ import annotations

from pathlib import Path

import pytest

from kaynak.config import BUNDLED_CORPUS, ConfigError, Settings


def test_defaults_point_at_the_bundled_thesis(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    s = Settings()
    assert s.corpus == BUNDLED_CORPUS and BUNDLED_CORPUS.is_file()
    assert s.retrieval.mode == "hybrid" and s.embedder.model == "multilingual-e5-small"
    assert s.chunking.languages == ("tr", "ky", "ru", "en")
    assert s.serve.host == "127.0.0.1"


def test_file_profile_and_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kaynak.toml").write_text(
        'data_dir = "/srv/k"\n[retrieval]\nk = 7\n[profiles.fast.retrieval]\nmode = "dense"\n', encoding="utf-8"
    )
    assert Settings().retrieval.k == 7 and Settings().retrieval.mode == "hybrid"
    monkeypatch.setenv("KAYNAK_PROFILE", "fast")
    assert Settings().retrieval.mode == "dense" and Settings().retrieval.k == 7
    monkeypatch.setenv("KAYNAK_RETRIEVAL__MODE", "lexical")  # environment beats the file
    assert Settings().retrieval.mode == "lexical"
    assert Settings(data_dir=tmp_path).data_dir == tmp_path  # arguments beat everything
    monkeypatch.setenv("KAYNAK_CHUNKING__LANGUAGES", '["tr","en"]')
    assert Settings().chunking.languages == ("tr", "en")


def test_unknown_profile_and_broken_file_are_clear(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kaynak.toml").write_text("[profiles.a]\n", encoding="utf-8")
    monkeypatch.setenv("KAYNAK_PROFILE", "nope")
    with pytest.raises(ConfigError, match="profile 'nope' not found"):
        Settings()
    monkeypatch.delenv("KAYNAK_PROFILE")
    (tmp_path / "kaynak.toml").write_text("retrieval = [", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        Settings()
    monkeypatch.setenv("KAYNAK_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(ConfigError, match="does not exist"):
        Settings()


def test_store_from_file_and_environment(monkeypatch, tmp_path: Path) -> None:
    """`[store]` picks the backend; its URI and token come from the environment, and the token never shows."""
    from pydantic import ValidationError

    monkeypatch.chdir(tmp_path)
    assert Settings().store.backend == "files"
    (tmp_path / "kaynak.toml").write_text('[store]\nbackend = "milvus"\n[store.milvus]\ndense_index = "IVF_FLAT"\n', encoding="utf-8")
    monkeypatch.setenv("KAYNAK_STORE__URI", "http://127.0.0.1:19530")
    monkeypatch.setenv("KAYNAK_STORE__TOKEN", "root:Milvus")
    s = Settings()
    assert (s.store.backend, s.store.uri, s.store.milvus.dense_index) == ("milvus", "http://127.0.0.1:19530", "IVF_FLAT")
    assert s.store.token.get_secret_value() == "root:Milvus"
    assert "root:Milvus" not in s.model_dump_json() and "root:Milvus" not in repr(s)
    monkeypatch.setenv("KAYNAK_STORE__BACKEND", "elastic")
    with pytest.raises(ValidationError, match="'files' or 'milvus'"):
        Settings()
