"""A question's words aligned with a passage's tokens by the model: across languages, spellings and diacritics
the words a passage states score high, and a name it never states scores low."""
from __future__ import annotations

import numpy as np
import pytest

from index.alignment import coverage, query_words, weakest, word_scores, word_weight
from index.embedder import Embedder
from kaynak.config import Settings


@pytest.fixture(scope="module")
def embedder(model_path):
    e = Embedder(Settings())
    e.warm_up()
    return e


def _words(embedder, question, lang):
    _, states, _ = embedder.embed_with_tokens([question], kind="query")
    return query_words(question, states[0], lang)


def _scores(embedder, words, passage):
    _, states, _ = embedder.embed_with_tokens([passage])
    return word_scores(words, [states[0].vectors])[0]


@pytest.mark.parametrize(
    ("question", "lang", "states_it", "does_not"),
    [
        ("How many days did the Second Karabakh War last?", "en",
         "44 gün süren 2. Karabağ Savaşı’nda Azerbaycan ordusu Türk yapımı SİHA’ları etkin bir şekilde kullanmıştır.",
         "Türkiye ile Kırgızistan arasındaki ticaret hacmi 2020 yılında 417 milyon dolara düşmüştür."),
        ("When did Erdoğan visit Ashgabat?", "en",
         "Recep Tayyip Erdoğan 27 Kasım 2021’de Aşkabat’a resmi ziyarette bulunmuştur.",
         "Recep Tayyip Erdoğan 30 Nisan 2018’de Taşkent’e resmi ziyarette bulunmuştur."),
        ("How many students came under the Great Student Project?", "en",
         "Büyük Öğrenci Projesi kapsamında 1992 yılında Türk cumhuriyetlerinden binlerce öğrenci Türkiye’ye gelmiştir.",
         "Türkiye 1992 yılında Türk cumhuriyetlerine askeri eğitim desteği vermiştir."),
        ("Zeytin Dalı Harekâtı ne zaman başladı?", "tr",
         "Zeytin Dalı Harekatı 20 Ocak 2018 tarihinde başlamıştır.",
         "Fırat Kalkanı Operasyonu 24 Ağustos 2016 tarihinde başlamıştır."),
    ],
)
def test_a_passage_that_states_the_question_covers_more_of_it(embedder, question, lang, states_it, does_not):
    words = _words(embedder, question, lang)
    held, other = _scores(embedder, words, states_it), _scores(embedder, words, does_not)
    assert coverage(words, held) > coverage(words, other) + 0.02
    assert weakest(words, held) > weakest(words, other)


def test_the_name_meets_its_translation_not_a_neighbour(embedder):
    words = _words(embedder, "How much Russian gas does Turkey import?", "en")
    gas = words.texts.index("gas")
    rus = _scores(embedder, words, "Türkiye Rus gazına bağımlılığını azaltmak istemektedir.")
    iran = _scores(embedder, words, "Türkiye İran petrolüne bağımlılığını azaltmak istemektedir.")
    assert rus[gas] > iran[gas]
    assert rus[words.texts.index("Russian")] > iran[words.texts.index("Russian")]


def test_function_words_weigh_nothing_and_names_fully(embedder):
    words = _words(embedder, "How many days did the Second Karabakh War last?", "en")
    weight = dict(zip(words.texts, words.weights))
    assert weight["the"] == 0.0 and weight["did"] < 0.2
    assert weight["Karabakh"] == 1.0
    assert "?" not in words.texts
    assert word_weight(7.0) == 0.0 and word_weight(1.0) == 1.0


def test_an_empty_passage_states_nothing(embedder):
    words = _words(embedder, "Who signed it?", "en")
    (empty,) = word_scores(words, [np.zeros((0, 384), np.float32)])
    assert empty.shape == (len(words),) and np.all(empty == 0)


def test_passages_aligned_together_score_as_one_at_a_time(embedder):
    """One matrix product for many passages (and sentences cut from them) gives each the scores it gets alone;
    an empty one among them still scores 0."""
    words = _words(embedder, "When did Erdoğan visit Ashgabat?", "en")
    _, states, _ = embedder.embed_with_tokens([
        "Recep Tayyip Erdoğan 27 Kasım 2021’de Aşkabat’a resmi ziyarette bulunmuştur.",
        "Türkiye ile Kırgızistan arasındaki ticaret hacmi 2020 yılında 417 milyon dolara düşmüştür.",
    ])
    blocks = [states[0].vectors, np.zeros((0, 384), np.float32), states[1].vectors, states[0].vectors[:4]]
    together = word_scores(words, blocks)
    alone = [word_scores(words, [b])[0] for b in blocks]
    for t, a in zip(together, alone):
        np.testing.assert_allclose(t, a, atol=1e-6)
    assert np.all(together[1] == 0) and together[0].mean() > together[2].mean()
