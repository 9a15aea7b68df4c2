"""The sharing checker: a pure function from a campaign's texts and mechanics to violations.

No database, no Django: `check()` takes the texts, the mechanics flags and which rules are
in force (code → severity), and returns what breaks them, each with the span of the
merchant's own text to highlight. `coupons.sharing.publication` feeds it the active rules
from the rulebook; the command line and the evaluation feed it the defaults.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from coupons.sharing.matchers import MATCHERS, MECHANICS, SPECIFICITY
from coupons.sharing.normalize import normalize

BLOCK = "block"
REVIEW = "review"
ALLOW = "allow"

TEXT_FIELDS = ("title", "description", "share_text", "landing_text")
MECHANICS_FIELD = "mechanics"


@dataclass(frozen=True)
class Violation:
    rule: str
    severity: str
    field: str  # a text field, "coupon_names.<i>", or "mechanics"
    span: tuple[int, int]  # [start, end) in the original text; for mechanics, the flag's index
    matched_text: str

    def as_dict(self) -> dict:
        return {"rule": self.rule, "severity": self.severity, "field": self.field, "span": list(self.span)}


def default_rules() -> dict[str, str]:
    from coupons.sharing.defaults import DEFAULT_RULES

    return {rule["code"]: rule["severity"] for rule in DEFAULT_RULES}


def verdict(violations: Iterable[Violation]) -> str:
    """block if any finding blocks, review if any needs review, otherwise allow."""
    severities = {v.severity for v in violations}
    if BLOCK in severities:
        return BLOCK
    if REVIEW in severities:
        return REVIEW
    return ALLOW


def check(
    texts: Mapping[str, str],
    mechanics: Iterable[str] = (),
    coupon_names: Iterable[str] = (),
    rules: Mapping[str, str] | None = None,
) -> list[Violation]:
    """Every violation of the rules in force (code → severity) by these texts and mechanics.

    Unknown mechanics and rules without a matcher are ignored. Overlapping findings in one
    field are reduced to the most specific rule (see `matchers.SPECIFICITY`), and a review
    finding never stands next to a block finding on the same words.
    """
    rules = default_rules() if rules is None else dict(rules)
    found: list[Violation] = []
    for index, flag in enumerate(mechanics or ()):
        code = MECHANICS.get(str(flag))
        if code and code in rules:
            found.append(Violation(code, rules[code], MECHANICS_FIELD, (index, index + 1), str(flag)))
    fields = [(name, texts.get(name) or "") for name in texts]
    fields += [(f"coupon_names.{i}", name or "") for i, name in enumerate(coupon_names or ())]
    for field_name, text in fields:
        if text and str(text).strip():
            found.extend(_check_text(field_name, str(text), rules))
    return found


def _check_text(field_name: str, text: str, rules: Mapping[str, str]) -> list[Violation]:
    norm = normalize(text)
    hits: list[Violation] = []
    for code, severity in rules.items():
        matcher = MATCHERS.get(code)
        if matcher is None:
            continue
        for view, patterns in ((norm.compact, matcher.zh), (norm.spaced, matcher.en)):
            for pattern in patterns:
                for m in pattern.finditer(view.text):
                    if m.end() <= m.start():
                        continue
                    start, end = view.span(m.start(), m.end())
                    hits.append(Violation(code, severity, field_name, (start, end), text[start:end]))
    return _reduce(hits, text)


def _overlaps(a: Violation, b: Violation) -> bool:
    return a.span[0] < b.span[1] and b.span[0] < a.span[1]


def _reduce(hits: list[Violation], text: str) -> list[Violation]:
    """Merge overlapping hits of one rule; drop hits overlapped by a more specific or stricter rule."""
    merged: list[Violation] = []
    for code in sorted({h.rule for h in hits}, key=lambda c: SPECIFICITY.get(c, 99)):
        spans = sorted(h.span for h in hits if h.rule == code)
        first = next(h for h in hits if h.rule == code)
        runs: list[list[int]] = []
        for start, end in spans:
            if runs and start < runs[-1][1]:
                runs[-1][1] = max(runs[-1][1], end)
            else:
                runs.append([start, end])
        for start, end in runs:
            merged.append(Violation(code, first.severity, first.field, (start, end), text[start:end]))
    kept: list[Violation] = []
    for hit in merged:  # ordered most specific first
        dominated = any(
            _overlaps(hit, k) and (k.severity == BLOCK or hit.severity != BLOCK)
            for k in kept
            if k.rule != hit.rule
        )
        if not dominated:
            kept.append(hit)
    return sorted(kept, key=lambda v: v.span)


def check_campaign_dict(data: Mapping, rules: Mapping[str, str] | None = None) -> list[Violation]:
    """The checker over one campaign as the command line and the evaluation set spell it."""
    texts = {name: data.get(name) or "" for name in TEXT_FIELDS}
    return check(texts, data.get("mechanics") or [], data.get("coupon_names") or [], rules)
