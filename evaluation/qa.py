"""The QA file: one JSON object per line in the dev-set format (shared/eval/README.md), checked whole before use.

``load_qa(path)`` reads every line, collects every problem with its line number and raises one
``QAFormatError`` when there is any, so a bad file is refused before a single question is asked.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

LANGS = ("tr", "ky", "ru", "en")
TYPES = ("numeric", "date", "factoid", "cross_lingual", "summary", "unanswerable")
# field -> expected JSON type; `evidence` is checked separately (a list of strings)
_STR_FIELDS = ("id", "question", "lang", "answer", "type", "section", "evidence_lang")
REQUIRED = (*_STR_FIELDS[:4], "evidence", *_STR_FIELDS[4:])
_SHOWN = 5  # problems listed when the file is not a QA file at all; a QA file with a few bad lines lists them all
_CODES = ("lang", "evidence_lang", "type")  # read in any case and without surrounding spaces: "EN", " tr"


@dataclass(frozen=True)
class QAItem:
    """One question with its reference answer and the verbatim evidence quotes that support it."""

    id: str
    question: str
    lang: str
    answer: str
    evidence: list[str] = field(default_factory=list)
    type: str = "factoid"
    section: str = ""
    evidence_lang: str = "tr"

    @property
    def answerable(self) -> bool:
        return bool(self.evidence)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class QAFormatError(ValueError):
    """The QA file is not in the dev-set format; ``problems`` holds ``(line_number, message)`` pairs."""

    def __init__(self, path: Path, problems: list[tuple[int, str]], total_lines: int = 0):
        self.path = Path(path)
        self.problems = problems
        wrong_format = total_lines > 0 and len({n for n, _ in problems}) >= max(1, total_lines // 2)
        head = (f"{self.path}: not a QA file in the dev-set format (JSONL with fields {', '.join(REQUIRED)})"
                if wrong_format else f"{self.path}: {len(problems)} problem(s) in the QA file")
        listed = problems[:_SHOWN] if wrong_format else problems
        shown = [f"  line {n}: {msg}" for n, msg in listed]
        more = [f"  ... and {len(problems) - len(listed)} more"] if len(problems) > len(listed) else []
        super().__init__("\n".join([head, *shown, *more]))


def _normalised(obj: Any) -> Any:
    """Codes in any case ("EN", "Unanswerable") read as the lower-case ones; an unanswerable item may give
    `evidence_lang` as "" or null (it has nothing to locate): read as its question's language."""
    if not isinstance(obj, dict):
        return obj
    obj = {**obj, **{k: obj[k].strip().lower() for k in _CODES if isinstance(obj.get(k), str)}}
    if obj.get("type") == "unanswerable" and obj.get("evidence_lang") in ("", None):
        return {**obj, "evidence_lang": obj.get("lang")}
    return obj


def _check(obj: Any) -> list[str]:
    """Problems of one parsed line, worded for a person fixing the file."""
    if not isinstance(obj, dict):
        return [f"expected a JSON object, got {type(obj).__name__}"]
    out = [f"missing field '{k}'" for k in REQUIRED if k not in obj]
    for k in _STR_FIELDS:
        if k in obj and not isinstance(obj[k], str):
            out.append(f"field '{k}' must be a string, got {type(obj[k]).__name__}")
    for k in ("id", "question"):
        if isinstance(obj.get(k), str) and not obj[k].strip():
            out.append(f"field '{k}' is empty")
    for k in ("lang", "evidence_lang"):
        if isinstance(obj.get(k), str) and obj[k] not in LANGS:
            out.append(f"unknown {k} '{obj[k]}' (expected one of {', '.join(LANGS)})")
    if isinstance(obj.get("type"), str) and obj["type"] not in TYPES:
        out.append(f"unknown type '{obj['type']}' (expected one of {', '.join(TYPES)})")
    if "evidence" in obj:
        ev = obj["evidence"]
        if not isinstance(ev, list) or not all(isinstance(e, str) for e in ev):
            out.append("field 'evidence' must be a list of strings")
        elif any(not e.strip() for e in ev):
            out.append("field 'evidence' holds an empty quote")
        elif obj.get("type") == "unanswerable" and ev:
            out.append("an 'unanswerable' item must have empty evidence")
        elif obj.get("type") in TYPES and obj.get("type") != "unanswerable" and not ev:
            out.append(f"a '{obj['type']}' item needs at least one evidence quote")
    return out


def load_qa(path: Path) -> list[QAItem]:
    """Read and validate a QA file (dev-set JSONL format); raise ``QAFormatError`` listing every bad line.

    Blank lines are skipped; line numbers in messages are 1-based physical lines. Checks: valid JSON object,
    all fields present with the right types, known ``lang``/``evidence_lang``/``type``, ``evidence`` a list of
    non-empty strings (empty exactly for ``unanswerable``), unique ``id``. A file that is mostly wrong (a CSV,
    JSONL of another shape) gets one message saying so with the first few problems.
    """
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise QAFormatError(path, [(0, f"not UTF-8 text ({e.reason})")]) from None
    problems: list[tuple[int, str]] = []
    items: list[QAItem] = []
    seen: dict[str, int] = {}
    lines = [(n, line) for n, line in enumerate(raw.splitlines(), 1) if line.strip()]
    for n, line in lines:
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append((n, f"not valid JSON ({e.msg} at column {e.colno})"))
            continue
        obj = _normalised(obj)
        errs = _check(obj)
        if not errs:
            if obj["id"] in seen:
                errs.append(f"duplicate id '{obj['id']}' (first on line {seen[obj['id']]})")
            else:
                seen[obj["id"]] = n
        problems.extend((n, e) for e in errs)
        if not errs:
            items.append(QAItem(**{k: obj[k] for k in REQUIRED}))
    if not lines:
        problems.append((0, "the file is empty"))
    if problems:
        raise QAFormatError(path, problems, total_lines=len(lines))
    return items
