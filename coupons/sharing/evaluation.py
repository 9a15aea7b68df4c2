"""Precision and recall of the checker on a labelled JSON Lines set (see tests/data/sharing_eval.jsonl)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from coupons.sharing.checker import ALLOW, check_campaign_dict, verdict


@dataclass
class Report:
    total: int = 0
    banned: int = 0
    banned_caught: int = 0
    allowed: int = 0
    allowed_flagged: int = 0
    verdict_exact: int = 0
    per_rule: dict[str, dict[str, int]] = field(default_factory=dict)  # code -> tp, fp, fn
    misses: list[dict] = field(default_factory=list)

    @property
    def recall_banned(self) -> float:
        return self.banned_caught / self.banned if self.banned else 1.0

    @property
    def flagged_allowed_rate(self) -> float:
        return self.allowed_flagged / self.allowed if self.allowed else 0.0

    def rule_figures(self) -> dict[str, tuple[float, float, int]]:
        """code -> (precision, recall, support)."""
        figures = {}
        for code, c in sorted(self.per_rule.items()):
            p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
            r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
            figures[code] = (p, r, c["tp"] + c["fn"])
        return figures

    def overall_rule_figures(self) -> tuple[float, float]:
        tp = sum(c["tp"] for c in self.per_rule.values())
        fp = sum(c["fp"] for c in self.per_rule.values())
        fn = sum(c["fn"] for c in self.per_rule.values())
        return (tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0)

    def format(self, title: str) -> str:
        lines = [
            f"== {title}: {self.total} texts ({self.banned} banned, {self.allowed} allowed)",
            f"recall on banned (any finding): {self.recall_banned:.3f} ({self.banned_caught}/{self.banned})",
            f"allowed texts flagged: {self.flagged_allowed_rate:.1%} ({self.allowed_flagged}/{self.allowed})",
            f"exact verdict: {self.verdict_exact}/{self.total}",
            f"{'rule':<26} {'precision':>9} {'recall':>7} {'support':>7}",
        ]
        for code, (p, r, n) in self.rule_figures().items():
            lines.append(f"{code:<26} {p:>9.3f} {r:>7.3f} {n:>7}")
        p, r = self.overall_rule_figures()
        lines.append(f"{'overall (rule level)':<26} {p:>9.3f} {r:>7.3f}")
        return "\n".join(lines)


def load(path: str | Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(records: Iterable[Mapping], rules: Mapping[str, str] | None = None) -> Report:
    report = Report()
    for rec in records:
        violations = check_campaign_dict(rec, rules)
        got_verdict = verdict(violations)
        got = {v.rule for v in violations}
        want = set(rec.get("rules") or [])
        report.total += 1
        if rec["expected"] == ALLOW:
            report.allowed += 1
            report.allowed_flagged += bool(got)
        else:
            report.banned += 1
            report.banned_caught += bool(got)
        report.verdict_exact += got_verdict == rec["expected"]
        for code in got | want:
            c = report.per_rule.setdefault(code, {"tp": 0, "fp": 0, "fn": 0})
            if code in got and code in want:
                c["tp"] += 1
            elif code in got:
                c["fp"] += 1
            else:
                c["fn"] += 1
        if got != want:
            report.misses.append({"id": rec["id"], "want": sorted(want), "got": sorted(got), "rec": rec})
    return report
