"""Marker parsing, quote spans and the support test, on real sentences from the bundled thesis."""
from __future__ import annotations

import pytest

from assistant.citations import (
    Marker,
    best_sentence,
    check_support,
    chunk_sentences,
    claims,
    find_span,
    numbers,
    parse_markers,
    strip_markers,
)

KG = (
    "Ürün bazı dışında genel bazda ele alındığında Kırgızistan’ın Türkiye’den en çok ithal ettiği sektörler "
    "sırasıyla “hazır giyim ve konfeksiyon” ve “makine ve aksamları” sektörleri olmuştur (TİM 2019, 20). 2019 "
    "yılında Türkiye’den Kırgızistan’a ihracat artarak devam etmiş ve 442 milyon dolara ulaşmıştır. Bunun yanı "
    "sıra 2019 yılında Türkiye’den Kırgızistan’a doğrudan yatırım 94.565 milyon dolar iken 2020 yılında bu "
    "miktar 22.827 milyon dolara gerilemiştir (Kurmanbekova 2021)."
)


def test_parse_markers_all_forms():
    assert parse_markers("a [1] b [1, 2] c [3][4] d [ 5 ;6] e [x] [12]") == [
        Marker((1,), 2, 5),
        Marker((1, 2), 8, 14),
        Marker((3,), 17, 20),
        Marker((4,), 20, 23),
        Marker((5, 6), 26, 33),
        Marker((12,), 40, 44),
    ]


def test_parse_markers_ignores_non_citations():
    assert parse_markers("Tablo [a], yıl [2019-2020] ve boş []") == []


def test_strip_markers_tidies_spaces():
    assert strip_markers("442 milyon dolar [1] . Sonra [2][3], bitti [4].") == "442 milyon dolar. Sonra, bitti."


def test_claims_attach_markers_to_their_sentence_and_clause():
    text = (
        "İhracat 2019’da 442 milyon dolara ulaştı [1]. Doğrudan yatırım 94.565 milyon dolardı. [2] "
        "İhracat 2020’de 417 milyon dolara geriledi [1], yatırım ise 22.827 milyon dolara indi [1, 3]."
    )
    cs = claims(text)
    assert [c.numbers for c in cs] == [(1,), (2,), (1,), (1, 3)]
    assert cs[0].text == "İhracat 2019’da 442 milyon dolara ulaştı"
    assert cs[1].text == "Doğrudan yatırım 94.565 milyon dolardı."  # marker after the full stop
    assert cs[2].text == "İhracat 2020’de 417 milyon dolara geriledi"
    assert cs[3].text == ", yatırım ise 22.827 milyon dolara indi"
    assert text[cs[3].start : cs[3].end] == "[1, 3]"


def test_claims_group_adjacent_brackets_and_short_pieces_take_the_sentence():
    cs = claims("Ticaret hacmi 1 milyar dolardır [1] [2].")
    assert [c.numbers for c in cs] == [(1, 2)]
    cs = claims("Evet [1].")
    assert cs[0].text == "Evet."


def test_decimal_points_do_not_split_sentences():
    cs = claims("Yatırım 94.565 milyon dolar iken 22.827 milyon dolara geriledi [1].")
    assert len(cs) == 1 and "94.565" in cs[0].text


@pytest.mark.parametrize(
    "quote",
    [
        "2019 yılında Türkiye’den Kırgızistan’a ihracat",
        "2019 yılında Türkiye'den Kırgızistan'a ihracat",  # typed apostrophes
        "2019  yılında\nTürkiye’den KIRGIZISTAN’A ihracat",  # layout and case (dotless I)
    ],
)
def test_find_span_returns_offsets_of_the_chunks_own_text(quote):
    s, e = find_span(KG, quote)
    assert KG[s:e] == "2019 yılında Türkiye’den Kırgızistan’a ihracat"


def test_find_span_handles_hyphen_gaps_and_dotted_capitals():
    text = "Özbek- Türk ilişkileri İHRACAT ile İlişkili"
    s, e = find_span(text, "Özbek-Türk ilişkileri ihracat ile ilişkili")
    assert (s, e) == (0, len(text))
    assert find_span(KG, "bu cümle yok") is None
    assert find_span(KG, "   ") is None


def test_chunk_sentences_and_best_sentence():
    sents = [KG[s:e] for s, e in chunk_sentences(KG)]
    assert len(sents) == 3
    assert sents[1] == (
        "2019 yılında Türkiye’den Kırgızistan’a ihracat artarak devam etmiş ve 442 milyon dolara ulaşmıştır."
    )
    s, e = best_sentence(KG, "In 2019 exports to Kyrgyzstan reached 442 million dollars")
    assert KG[s:e] == sents[1]
    s, e = best_sentence(KG, "Direct investment fell to 22.827 million dollars in 2020")
    assert KG[s:e] == sents[2]


def test_numbers_ignore_separators_and_suffixes():
    assert numbers("94.565 milyon, %6, 2019’un 618,6 ve 1,000") == {"94565", "6", "2019", "6186", "1000"}


def test_support_same_language():
    sentence = "2019 yılında Türkiye’den Kırgızistan’a ihracat 442 milyon dolara ulaşmıştır"
    assert check_support(sentence, KG, same_lang=True).ok
    paraphrase = "Türkiye'nin Kırgızistan'a ihracatı 2019'da 442 milyon dolar oldu"
    assert check_support(paraphrase, KG, same_lang=True).ok
    wrong_number = check_support("Türkiye'nin Kırgızistan'a ihracatı 2019'da 500 milyon dolar oldu", KG, same_lang=True)
    assert not wrong_number.ok and "500" in wrong_number.why
    other_country = check_support("Türkiye'nin Özbekistan'a ihracatı 2019'da 442 milyon dolar oldu", KG, same_lang=True)
    assert not other_country.ok and "ozbek" in other_country.why
    off_topic = check_support("Türkmenistan doğalgaz boru hattı projesini tamamladı", KG, same_lang=True)
    assert not off_topic.ok


def test_support_across_languages_rests_on_numbers_and_names():
    assert check_support("In 2019 Turkey's exports to Kyrgyzstan reached 442 million dollars", KG, same_lang=False).ok
    assert not check_support("In 2019 exports to Uzbekistan reached 442 million dollars", KG, same_lang=False).ok
    assert not check_support("Trade between the two countries grew strongly", KG, same_lang=False).ok
    # names compare across scripts and spellings, whatever they are
    assert check_support("В 2019 году экспорт в Кыргызстан достиг 442 миллионов долларов", KG, same_lang=False).ok
    assert check_support("Kurmanbekova reports investment of 94,565 million dollars", KG, same_lang=False).ok


def test_support_with_several_cited_passages_pools_numbers():
    other = "Kırgızistan’la da Türkiye’nin dış ticaret hacmi 1 milyar dolar seviyesindedir."
    claim = "Türkiye’den Kırgızistan’a ihracat 442 milyon dolar, dış ticaret hacmi 1 milyar dolardır"
    assert not check_support(claim, KG, same_lang=True).ok  # "1" (milyar) is not in KG alone
    assert check_support(claim, KG, same_lang=True, context=[other]).ok
    assert check_support(claim, other, same_lang=True, context=[KG]).ok
