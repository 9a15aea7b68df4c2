"""The evaluation set: precision and recall per rule; the goal from issue 6 is asserted.

Run with `-s` to see the figures. `split` = dev (used while writing the rules), holdout
(measured once before it was read: recall 0.836, 0% allowed flagged), fresh and fresh2
(written later, each measured once before the general fixes that followed: recall 0.833 and
0.824, allowed flagged 0% and 9.1%). The goal is asserted on the whole set, dev and holdout.
"""

from pathlib import Path

import pytest

from coupons.sharing.evaluation import evaluate, load

EVAL_SET = Path(__file__).resolve().parent.parent / "data" / "sharing_eval.jsonl"
RECORDS = load(EVAL_SET)


def test_the_set_is_large_and_labelled():
    assert len(RECORDS) >= 300
    assert len({r["id"] for r in RECORDS}) == len(RECORDS)
    kinds = {r["kind"].split(":")[0] for r in RECORDS}
    assert {"plain", "obfuscated", "mechanics"} <= kinds
    assert {r["lang"] for r in RECORDS} == {"zh", "en"}
    for rec in RECORDS:
        assert rec["expected"] in {"allow", "review", "block"}
        assert bool(rec["rules"]) == (rec["expected"] != "allow")


@pytest.mark.parametrize("split", ["all", "dev", "holdout"])
def test_checker_meets_the_goal(split):
    records = RECORDS if split == "all" else [r for r in RECORDS if r["split"] == split]
    report = evaluate(records)
    print()
    print(report.format(f"sharing eval, {split}"))
    for miss in report.misses:
        print("  miss", miss["id"], "want", miss["want"], "got", miss["got"])
    if split == "all":  # the small sets written after tuning, reported (asserted as part of "all")
        for later in ("fresh", "fresh2"):
            print(evaluate([r for r in RECORDS if r["split"] == later]).format(f"sharing eval, {later}"))
    assert report.recall_banned >= 0.95
    assert report.flagged_allowed_rate <= 0.03
