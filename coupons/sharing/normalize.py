"""Text normalisation for the sharing checker, keeping a map back to the original text.

Merchants (and the people who write copy for them) dodge keyword filters with full-width
letters, spaces, punctuation or emoji between characters, traditional characters and
mixed case. The checker therefore matches against two *views* of each text:

- `compact`: NFKC, lower case, traditional → simplified, and every character that is not a
  letter or a digit (spaces, punctuation, symbols, emoji, joiners, variation selectors)
  dropped. Chinese patterns run here, so "转 · 发 🎉 朋.友.圈" reads as 转发朋友圈.
- `spaced`: the same characters, but runs of non-letters collapse to one space, and runs of
  single letters separated by spaces ("s h a r e") are joined. English patterns run here,
  where word boundaries still mean something.

Both views keep `index[i]`: the position in the original text of view character `i`, so a
match on a view becomes a span on what the merchant typed.

Sentence breaks ("。", "；", a newline, or ". " in English) become a "|" in both views and
patterns never cross it, so a share invitation and a discount in two separate sentences
are not read as one condition. A break between one-character runs ("转。发。朋") is treated
as filler, not as a sentence end: that is obfuscation, not prose.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from coupons.sharing.t2s import T2S

BOUNDARY = "|"
_HARD_BREAKS = frozenset("。；;\n\r\u2029\u2028｡")
_SOFT_BREAKS = frozenset(".!?！？")  # sentence end only when followed by whitespace
_LIKE_SYMBOLS = frozenset("👍❤♥💗💕💖")
_LEET_TO_LETTER = str.maketrans("013457", "oieast")
_LETTER_TO_DIGIT = str.maketrans("oil", "011")


@dataclass(frozen=True)
class View:
    text: str
    index: tuple[int, ...]  # original position of each character of `text`

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original-text span [start, end) covered by view characters [start, end)."""
        return self.index[start], self.index[end - 1] + 1


@dataclass(frozen=True)
class Normalized:
    original: str
    compact: View
    spaced: View


def _is_content(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat[0] in "LN"


def _expand(text: str) -> list[tuple[str, int, str]]:
    """(character, original index, kind) with kind 'c' content, 'b' break, 'f' filler."""
    out: list[tuple[str, int, str]] = []
    n = len(text)
    for i, raw in enumerate(text):
        if raw in _HARD_BREAKS:
            out.append((BOUNDARY, i, "b"))
            continue
        if raw in _SOFT_BREAKS and (i + 1 == n or text[i + 1].isspace()):
            out.append((BOUNDARY, i, "b"))
            continue
        if raw in _LIKE_SYMBOLS:  # 集👍 / 集❤️: the symbol stands for 赞 (a like)
            out.append(("赞", i, "c"))
            continue
        for ch in unicodedata.normalize("NFKC", raw).lower():
            ch = T2S.get(ch, ch)
            out.append((ch, i, "c" if _is_content(ch) else "f"))
    return _demote_obfuscation_breaks(out)


def _demote_obfuscation_breaks(items: list[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
    """A break between runs of one content character each is obfuscation: make it filler."""
    runs: list[int] = []  # length of the content run ending at each break
    run = 0
    for _, _, kind in items:
        if kind == "c":
            run += 1
        elif kind == "b":
            runs.append(run)
            run = 0
        else:
            # a filler between characters still ends a "word" for this purpose
            pass
    runs.append(run)
    result = []
    b = 0
    for item in items:
        if item[2] == "b":
            before, after = runs[b], runs[b + 1]
            b += 1
            if before <= 1 and after <= 1:
                result.append((" ", item[1], "f"))
                continue
        result.append(item)
    return result


def _compact(items: list[tuple[str, int, str]]) -> View:
    chars: list[str] = []
    index: list[int] = []
    for ch, i, kind in items:
        if kind == "f":
            continue
        if kind == "b" and (not chars or chars[-1] == BOUNDARY):
            continue
        chars.append(ch)
        index.append(i)
    return View("".join(chars), tuple(index))


def _spaced(items: list[tuple[str, int, str]]) -> View:
    tokens: list[tuple[str, int]] = []  # collapse filler runs into one space
    for ch, i, kind in items:
        if kind == "f":
            if tokens and tokens[-1][0] not in (" ", BOUNDARY):
                tokens.append((" ", i))
            continue
        if kind == "b":
            if tokens and tokens[-1][0] == " ":
                tokens.pop()
            if tokens and tokens[-1][0] == BOUNDARY:
                continue
        elif tokens and tokens[-1][0] == BOUNDARY:
            pass
        tokens.append((ch, i))
    tokens = _join_letter_spacing(tokens)
    text = _unleet("".join(t[0] for t in tokens))
    return View(text, tuple(t[1] for t in tokens))


def _unleet(text: str) -> str:
    """'shar3' → 'share', 'f0rward' → 'forward', '2o likes' → '20 likes' (same length, same map)."""

    def fix(word: str) -> str:
        letters = sum(c.isalpha() for c in word)
        digits = sum(c.isdigit() for c in word)
        if not letters or not digits:
            return word
        if letters >= 2 and not word[0].isdigit():
            return word.translate(_LEET_TO_LETTER)
        if {c for c in word if c.isalpha()} <= set("oil"):
            return word.translate(_LETTER_TO_DIGIT)
        return word

    return re.sub(r"[a-z0-9]+", lambda m: fix(m.group()), text)


def _join_letter_spacing(tokens: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Join 's h a r e' (three or more single ASCII letters split by spaces) into 'share'."""

    def single_letter(k: int) -> bool:
        ch = tokens[k][0]
        if not (ch.isascii() and ch.isalpha()):
            return False
        left_ok = k == 0 or tokens[k - 1][0] in (" ", BOUNDARY)
        right_ok = k + 1 == len(tokens) or tokens[k + 1][0] in (" ", BOUNDARY)
        return left_ok and right_ok

    drop: set[int] = set()
    k = 0
    n = len(tokens)
    while k < n:
        if single_letter(k):
            run = [k]
            j = k
            while j + 2 < n and tokens[j + 1][0] == " " and single_letter(j + 2):
                run.append(j + 2)
                j += 2
            if len(run) >= 3:
                drop.update(r + 1 for r in run[:-1])
            k = j + 1
        else:
            k += 1
    return [t for idx, t in enumerate(tokens) if idx not in drop]


def normalize(text: str) -> Normalized:
    items = _expand(text or "")
    return Normalized(original=text or "", compact=_compact(items), spaced=_spaced(items))
