"""Does the request say yes or no to a thing: a partner, a CSM/CSE, a PS engagement?

AEs answer in fields ("Partner: nein", "CSM: yes - Priya Nair (CSE)") and in sentences
("we sold this through our partner Bytewise", "no CSM on the account", "Sold through a
partner? No, direct", "they do not qualify for a CSE", "does NOT want professional
services"). A word is not an answer: a mention is read with what negates it in its own
clause ("no", "not", "without", "kein", "pas de", "sem", "sin" ... before it, "none",
"no", "nein" ... right after it), and a question is read with the answer that follows it.

:func:`stance` gives ``True`` (yes), ``False`` (no) or ``None`` (not said, or said both
ways), with the clause it read as evidence, so a decision can quote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .kind_words import CONCEPTS, GONE, HYPOTHETICAL, NEGATORS, NO_WORDS, UNKNOWN_WORDS, YES_WORDS

_WORD = re.compile(r"[^\W\d_][\w'’./-]*|\d+", re.U)


@dataclass(frozen=True)
class Stance:
    value: bool | None
    evidence: str = ""  # the clause that says so, as written


def _clauses(text: str) -> list[str]:
    out: list[str] = []
    for line in (text or "").splitlines():
        start = 0
        for m in re.finditer(r"[.!;?](?=\s|$)|,\s|\s[-–—]\s|[()]", line):
            end = m.end() if line[m.start()] == "?" else m.start()
            out.append(line[start:end])
            start = m.end()
        out.append(line[start:])
    return [c.strip(" \t*_`>") for c in out if c.strip(" \t*_`>")]


def _words(text: str) -> list[str]:
    return [w.casefold().strip(".'’") for w in _WORD.findall(text)]


#: negations that close a clause, a few words after the thing (Hindi, Korean, Japanese, Chinese:
#: "PS ki zarurat nahi hai", "PS는 필요 없음", "PSは不要です")
_CLOSING_NEGATORS = frozenset(("nahi", "nahin", "nahiin", "nai", "नहीं", "नही", "없음", "없습니다", "없어요",
                               "필요없음", "不要", "不要です", "いらない", "要りません", "不需要"))


def _negated(clause: str, start: int, end: int) -> bool:
    before = _words(clause[:start])[-6:]
    after = _words(clause[end:])[:4]
    if any(w in NEGATORS or w in HYPOTHETICAL for w in before):  # "no PS planned", "if they ever need PS"
        return True
    if any(w in _CLOSING_NEGATORS for w in after):
        return True
    # "CSM: none", "partner: no", "PS: keine geplant", "CSM not assigned yet"
    return bool(after) and (after[0] in NO_WORDS or after[0] in ("not", "nicht", "pas", "não", "nao")
                            or (len(after) > 1 and after[0] in ("is", "are", "ist") and after[1] in NEGATORS))


def _answer(clause: str) -> bool | None:
    """A clause that answers a question: "No, direct", "Yes - Priya", "Nein"."""
    words = _words(clause)
    if not words:
        return None
    if words[0] in YES_WORDS:
        return True
    if words[0] in NO_WORDS or words[0] in NEGATORS:
        return False
    return None


_DELIMITER = re.compile(r"[.!;?\n](?=\s|$)|,\s|\s[-–—]\s|[()]")


def negated_at(text: str, start: int, end: int) -> bool:
    """Is the mention at ``text[start:end]`` negated in its clause ("the customer does NOT
    want professional services", "no PS planned")?"""
    left = max((m.end() for m in _DELIMITER.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in _DELIMITER.finditer(text, end)), len(text))
    clause = text[left:right]
    if text[right:right + 1] == "?":  # "do they want PS for the migration?": a question says neither
        return True
    return _negated(clause, start - left, end - left)


def mentions(text: str, concept: str) -> list[Stance]:
    """Every mention of ``concept`` in ``text``, each read as yes or no."""
    pattern = CONCEPTS[concept]
    clauses = _clauses(text)
    out: list[Stance] = []
    for n, clause in enumerate(clauses):
        for m in pattern.finditer(clause):
            if clause.rstrip().endswith("?"):
                answer = _answer(clauses[n + 1]) if n + 1 < len(clauses) else None
                if answer is not None:
                    out.append(Stance(answer, f"{clause} {clauses[n + 1]}".strip()))
                continue
            out.append(Stance(not _negated(clause, m.start(), m.end()), clause))
    return out


def field_stance(value: str) -> Stance:
    """A field's answer: "no", "none", "n/a (direct deal)", "nein" are no; a name or "yes"
    is yes; an empty field says nothing."""
    text = (value or "").strip()
    if not text:
        return Stance(None)
    words = _words(text)
    if not words:
        return Stance(False, text) if text.strip("-–— ") == "" else Stance(None)
    if words[0] in UNKNOWN_WORDS or " ".join(words[:2]) in UNKNOWN_WORDS:
        return Stance(None, text)  # "TBD", "not sure", "unknown": not an answer
    if words[0] in NO_WORDS or words[0] in NEGATORS or " ".join(words[:2]) in ("not applicable", "n a"):
        return Stance(False, text)
    if GONE.search(text):  # "Was @lou.csm but she left the company, account is unassigned now"
        return Stance(False, text)
    return Stance(True, text)


def stance(text: str, concept: str, field: str = "") -> Stance:
    """What ``text`` (and the concept's own field, when the request has one) says about
    ``concept``: a field's answer wins; otherwise yes when only yes is said, no when only
    no is said, and not said (None) when nothing or both are."""
    if field.strip():
        answer = field_stance(field)
        if answer.value is not None:
            return answer
    said = mentions(text, concept)
    if concept == "partner":  # "bought direct", "direct deal": not partner-sold
        said += [Stance(False, s.evidence) for s in mentions(text, "direct") if s.value]
    yes = [s for s in said if s.value]
    no = [s for s in said if s.value is False]
    if yes and not no:
        return yes[0]
    if no and not yes:
        return no[0]
    return Stance(None, (yes or no)[0].evidence if said else "")


def reply_answer(text: str) -> bool | None:
    """A reply's answer to a yes-or-no question: its first words ("yes", "no, that one is
    just meeting notes", "nope", "ja", "non"); None when it does not start with one."""
    clauses = _clauses(re.sub(r"(?m)^\s*>.*$", "", text or ""))  # a quoted question is not the answer
    if not clauses:
        return None
    first = clauses[0]
    if _NOT_SURE.search(first):
        return None  # "Not sure, let me check", "ok, will check with the customer": no answer yet
    words = _words(first)
    if not words:
        return None
    if words[0] in _REPLY_YES:
        return True
    if words[0] in NO_WORDS and words[0] not in ("none", "n/a", "na", "nil", "false"):
        return False
    return None  # "sure", "ok", "not that one": a person reads it, gl-cs asks on


#: the first words of a reply that answer yes (not "ok", "sure", "approved": they agree to
#: something else as often as they answer)
_REPLY_YES = frozenset("yes y yep yeah yup ja jawohl oui si sí sim correct tak 예 네 はい haan".split())
_NOT_SURE = re.compile(r"\b(?:not\s+sure|unsure|don'?t\s+know|no\s+idea|let\s+me\s+check|will\s+check|checking|"
                       r"maybe|perhaps|tbd|tbc|not\s+yet|weiß\s+nicht|keine\s+ahnung|je\s+ne\s+sais\s+pas|"
                       r"no\s+s[eé]|não\s+sei)\b", re.I)
