"""Follow-up questions made standalone before retrieval: "Peki Azerbaycan ile?" after a question about
Türkiye-Kırgızistan trade in 2019 becomes "Türkiye ile Azerbaycan arasındaki ticaret hacmi 2019'da ne kadardı?".

With a chat model, the model rewrites the question (short prompt, same language); on any error, or without a
model, an offline rule does it:

1. A question is a follow-up when there is history and it opens like one ("Peki", "Ya", "And", "What
   about", "А", "Ал эми", ...) or leans on a pronoun ("bu", "bunun", "it", "its", "that", "это", "анын",
   ...), with at most five content words; or when, besides gazetteer names, it adds at most one content
   word and no name of its own ("Azerbaycan ile?", "Uzbekistan?").
2. The previous question is first made standalone the same way (so chains of follow-ups resolve).
3. If the follow-up names an entity of the gazetteer (``assistant.citations.ENTITIES``: Turkic states,
   capitals, the organisation), the previous question's entity of the same kind is replaced by it — the
   last such entity that is not the document's frame (Türkiye: the thesis is about Türkiye's relations, so it
   is the fixed side of most questions). A Turkish suffix after an apostrophe is kept and put in vowel
   harmony with the new name ("Kırgızistan'ın" -> "Azerbaycan'ın", "Özbekistan'a" -> "Türkiye'ye").
4. A follow-up that only names another year ("Peki 2020'de?", "And in 2020?") swaps the year the same way.
5. Otherwise the previous question's content words that the follow-up lacks are appended to it.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from assistant.citations import _STOP, _WORD, find_entities, numbers

log = logging.getLogger(__name__)

# Entities that frame the whole document; a follow-up swaps the other side of a relation, not these.
FRAME_ENTITIES = {"turkey"}

_OPENERS = (
    # tr
    "peki", "ya ", "ya,", "bir de", "ayrıca", "o halde", "öyleyse",
    # en
    "and ", "and,", "what about", "how about", "also", "then ",
    # ru
    "а ", "а,", "а что", "и ", "ну а", "тогда", "а как",
    # ky
    "ал эми", "анан", "а эми",
)
_PRONOUNS = set(
    "bu bunun buna bunu bunda bundan bunlar bunların o onun ona onu onda ondan şu şunun "
    "it its it's that this they them their those these there "
    "это этот эта эти этого этой его её ее их там он она они "
    "бул бунун буга анын ага ал алар аларды".split()
)

REWRITE_PROMPT = """Rewrite the last question so it can be understood without the conversation, in the same \
language as the last question. Keep names, numbers and years. Reply with the rewritten question only.

Conversation:
{history}

Last question: {question}
Standalone question:"""


def content_words(text: str) -> list[str]:
    """Words that carry meaning (not function words, pronouns or follow-up openers), in order."""
    out = []
    for w in _WORD.findall(text):
        base = re.split(r"['’]", w)[0]
        lw = base.casefold().replace("i̇", "i")
        if len(base) < 3 or lw in _STOP or lw in _PRONOUNS or lw in _QUESTION_WORDS:
            continue
        out.append(w)
    return out


_QUESTION_WORDS = set(
    "peki ya ne neydi nedir nedi kaç kim hangi nasıl neden niçin nerede mı mi mu mü mıydı miydi "
    "what which who how why where when much many about also "
    "что какой какая какие кто как почему где когда сколько "
    "эмне кайсы ким кантип канча качан эмнеге".split()
)


def is_followup(question: str) -> bool:
    """Does `question` lean on the previous turn? (rule 1 of the module doc)

    Without an opener or a pronoun, a short question is a follow-up only when it adds at most one content
    word besides gazetteer names and no name of its own ("Azerbaycan ile?" is; "Erdoğan kimdir?" and
    "Kazakistan'ın başkenti neresidir?" are not).
    """
    q = " ".join(question.casefold().split())
    words = content_words(question)
    if any(q.startswith(o) for o in _OPENERS):
        return len(words) <= 5
    if {w.casefold() for w in re.findall(r"\w+", question)} & _PRONOUNS:
        return len(words) <= 5
    spans = [(m.start, m.end) for m in find_entities(question)]
    own = [m for m in _WORD.finditer(question) if m.group() in words and not any(s <= m.start() < e for s, e in spans)]
    if any(m.group()[:1].isupper() and m.start() > 0 for m in own):
        return False
    return len(own) <= 1 and len(q.split()) <= 6


# ---------------------------------------------------------------------------------------------- Turkish


_BACK = set("aıou")
_FRONT = set("eiöü")
_HARD = set("fstkçşhp")


def _harmonize(stem: str, suffix: str) -> str:
    """Re-inflect a Turkish case suffix for a new stem: ("Azerbaycan", "ın") -> "ın", ("Türkiye", "a") -> "ye".

    Handles the suffixes a place name takes in a question (genitive, dative, locative, ablative,
    accusative, instrumental and -ki); anything else is kept as it was.
    """
    low = stem.replace("I", "ı").replace("İ", "i").lower()
    vowels = [c for c in low if c in _BACK | _FRONT]
    last = vowels[-1] if vowels else "a"
    ends_vowel = low[-1:] in _BACK | _FRONT
    hard = low[-1:] in _HARD
    two = "a" if last in _BACK else "e"
    four = {"a": "ı", "ı": "ı", "o": "u", "u": "u", "e": "i", "i": "i", "ö": "ü", "ü": "ü"}[last]
    s = suffix.lower()
    # strip the buffer consonant and read the suffix's shape
    core = re.sub(r"^[nsy](?=[ıiuüae])", "", s) if s[:1] in "nsy" and len(s) > 1 else s
    shape = re.sub(r"[ıiuü]", "I", re.sub(r"[ae]", "A", core))
    shape = shape.replace("t", "d")  # -ta/-tan are -da/-dan after a hard consonant
    rest_map = {
        "In": ("n" if ends_vowel else "") + four + "n",  # genitive
        "A": ("y" if ends_vowel else "") + two,  # dative
        "I": ("y" if ends_vowel else "") + four,  # accusative
        "dA": ("t" if hard else "d") + two,  # locative
        "dAn": ("t" if hard else "d") + two + "n",  # ablative
        "lA": ("y" if ends_vowel else "") + "l" + two,  # instrumental
        "dAkI": ("t" if hard else "d") + two + "ki",
    }
    return rest_map.get(shape, suffix)


_ONES = ["", "bir", "iki", "üç", "dört", "beş", "altı", "yedi", "sekiz", "dokuz"]
_TENS = ["", "on", "yirmi", "otuz", "kırk", "elli", "altmış", "yetmiş", "seksen", "doksan"]


def _spoken_tail(number: str) -> str:
    """The last Turkish word said for a number, which decides its suffix: "2019" -> "dokuz", "2020" -> "yirmi"."""
    n = int(number)
    if n % 10:
        return _ONES[n % 10]
    if n % 100:
        return _TENS[(n // 10) % 10]
    if n % 1000:
        return "yüz"
    return "bin" if n % 1_000_000 else "milyon"


_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)(?:(['’])([^\W\d_]+))?")


def _replace_year(previous: str, question: str) -> str | None:
    """The follow-up's year put in place of the previous question's year ("2019'da" -> "2020'de")."""
    new = _YEAR.search(question)
    old = list(_YEAR.finditer(previous))
    if not new or not old or new.group(1) in {m.group(1) for m in old}:
        return None
    m = old[-1]
    year = new.group(1)
    repl = year + (m.group(2) + _harmonize(_spoken_tail(year), m.group(3)) if m.group(2) else "")
    return previous[: m.start()] + repl + previous[m.end() :]


def _replace_entity(prev: str, mention: Any, new_surface: str, new_stem: str) -> str:
    """Put the new name where `mention` was in `prev`, keeping a Turkish apostrophe suffix in harmony."""
    old = prev[mention.start : mention.end]
    tail = old[mention.stem_end - mention.start :]
    if tail[:1] in ("'", "’"):
        replacement = new_stem + tail[0] + _harmonize(new_stem, tail[1:])
    elif tail:  # a suffix without apostrophe (Cyrillic case ending): take the new name as the user wrote it
        replacement = new_surface
    else:
        replacement = new_stem
    return prev[: mention.start] + replacement + prev[mention.end :]


def rule_rewrite(question: str, previous: str) -> str:
    """The offline rule (module doc, rules 3-4) for one follow-up against one standalone previous question."""
    new = find_entities(question)
    old = find_entities(previous)
    if new:
        out = previous
        used: set[int] = set()
        # replace right to left so earlier offsets stay valid
        plan = []
        for nm in new:
            if any(o.id == nm.id for o in old):
                continue  # already there
            same_kind = [i for i, o in enumerate(old) if o.kind == nm.kind and i not in used]
            if not same_kind:
                continue
            not_frame = [i for i in same_kind if old[i].id not in FRAME_ENTITIES]
            i = (not_frame or same_kind)[-1]
            used.add(i)
            surface = question[nm.start : nm.end]
            apostrophe = question[nm.stem_end : nm.stem_end + 1] in ("'", "’")
            stem = question[nm.start : nm.stem_end] if apostrophe else surface
            plan.append((old[i], surface, stem))
        if plan:
            for m, surface, stem in sorted(plan, key=lambda p: -p[0].start):
                out = _replace_entity(out, m, surface, stem)
            out = _replace_year(out, question) or out
            extra = [n for n in numbers(question) if n not in numbers(out)]
            return out if not extra else f"{out} {' '.join(extra)}"
    if len(content_words(question)) <= 1 and (swapped := _replace_year(previous, question)):
        return swapped  # "Peki 2020'de?": same question, another year
    have = {w.casefold() for w in content_words(question)}
    carry = [w for w in content_words(previous) if w.casefold() not in have]
    carry += [n for n in sorted(numbers(previous) - numbers(question)) if n not in " ".join(carry)]
    return f"{question.strip()} {' '.join(dict.fromkeys(carry))}".strip()


def _offline(question: str, history: list[tuple[str, str]]) -> str:
    standalone = ""
    for q, _a in history:
        standalone = rule_rewrite(q, standalone) if standalone and is_followup(q) else q
    if not standalone or not is_followup(question):
        return question
    return rule_rewrite(question, standalone)


def standalone_query(
    question: str,
    history: list[tuple[str, str]],
    lang: str,
    chat_model: Any = None,
    on_error: Callable[[Exception], None] | None = None,
) -> str:
    """`question` rewritten to stand alone given `history` [(question, answer), ...], oldest first.

    With `chat_model` (a LangChain chat model) the model rewrites it; otherwise, or if the model fails or
    replies with nothing usable, the offline rule of the module doc applies (and `on_error` hears why).
    Without history, or when the
    question is not a follow-up, the question comes back unchanged.
    """
    if not history:
        return question
    if chat_model is not None:
        try:
            return _llm_rewrite(question, history, chat_model)
        except Exception as e:  # endpoint down, timeout, garbage: the offline rule still works
            log.warning("follow-up rewrite by LLM failed (%s); using the offline rule", e)
            if on_error is not None:
                on_error(e)
    return _offline(question, history)


def _llm_rewrite(question: str, history: list[tuple[str, str]], chat_model: Any) -> str:
    from langchain_core.prompts import ChatPromptTemplate

    prompt = ChatPromptTemplate.from_messages([("human", REWRITE_PROMPT)])
    turns = "\n".join(f"User: {q}\nAssistant: {' '.join(a.split())[:300]}" for q, a in history[-3:])
    reply = (prompt | chat_model).invoke({"history": turns, "question": question})
    text = (reply.text if hasattr(reply, "text") else str(reply)).strip().strip('"').strip()
    text = text.splitlines()[0].strip() if text else ""
    if not text or len(text) > 4 * len(question) + 300:
        raise ValueError(f"unusable rewrite {text[:80]!r}")
    return text
