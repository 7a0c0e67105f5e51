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


def test_a_misspelt_setting_is_an_error_in_the_file_and_a_warning_in_the_environment(monkeypatch, tmp_path: Path) -> None:
    """A typo in a section name would otherwise leave that section's defaults in place without a word."""
    from kaynak.config import unknown_environment

    monkeypatch.chdir(tmp_path)
    (tmp_path / "kaynak.toml").write_text('[retreival]\nmode = "lexical"\n[profiles.fast.answer]\npasages = 3\n',
                                          encoding="utf-8")
    with pytest.raises(ConfigError, match="no such setting retreival, profiles.fast.answer.pasages"):
        Settings()
    env = {"KAYNAK_RETRIEVAL__KK": "5", "KAYNAK_FOO": "1", "KAYNAK_RETRIEVAL__MODE": "dense", "KAYNAK_CONFIG": "x",
           "KAYNAK_STORE__MILVUS__COLLECTION": "c", "KAYNAK_TEST_LLM": "1", "PATH": "/bin"}
    assert unknown_environment(env) == ["KAYNAK_FOO", "KAYNAK_RETRIEVAL__KK"]


def test_an_invalid_value_is_one_line_naming_the_setting(monkeypatch, tmp_path: Path) -> None:
    from pydantic import ValidationError

    from kaynak.config import invalid_settings_message

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KAYNAK_ANSWER__PASSAGES", "0")
    with pytest.raises(ValidationError) as caught:
        Settings()
    message = invalid_settings_message(caught.value)
    assert message.startswith("invalid setting answer.passages = '0': Input should be greater than or equal to 1")
    assert "\n" not in message
