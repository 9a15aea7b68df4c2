"""`manage.py sharing_check FILE`: JSON Lines in, one verdict line per campaign out."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]


def run(path, *extra):
    out, err = StringIO(), StringIO()
    error = None
    try:
        call_command("sharing_check", str(path), *extra, stdout=out, stderr=err)
    except CommandError as exc:
        error = exc
    lines = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    return lines, err.getvalue(), error


def write(tmp_path, lines):
    path = tmp_path / "campaigns.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_one_line_out_per_campaign_in_the_issue_format(tmp_path):
    path = write(
        tmp_path,
        [
            json.dumps({"id": 1, "title": "秋季新品", "description": "全场8折"}, ensure_ascii=False),
            json.dumps({"id": "c-2", "share_text": "转发到朋友圈即可领取10元券"}, ensure_ascii=False),
            json.dumps({"id": 3, "title": "周末", "mechanics": ["free_shipping", "likes_collection"]}),
            json.dumps({"id": 4, "share_text": "请转发到3个微信群"}, ensure_ascii=False),
        ],
    )
    lines, err, error = run(path, "--default-rules")
    assert error is None and err == ""
    assert lines[0] == {"id": 1, "verdict": "allow", "violations": []}
    assert lines[1] == {
        "id": "c-2",
        "verdict": "block",
        "violations": [
            {"rule": "share_for_reward", "severity": "block", "field": "share_text", "span": [0, 13]}
        ],
    }
    assert lines[2]["violations"] == [
        {"rule": "likes_collection", "severity": "block", "field": "mechanics", "span": [1, 2]}
    ]
    assert lines[3]["verdict"] == "review"
    assert set(lines[3]["violations"][0]) == {"rule", "severity", "field", "span"}


def test_malformed_lines_are_reported_by_number_and_skipped(tmp_path):
    path = write(
        tmp_path,
        [
            json.dumps({"id": 1, "title": "ok"}),
            "{not json",
            json.dumps(["a list"]),
            "",
            json.dumps({"title": "no id"}),
            json.dumps({"id": 6, "mechanics": "likes_collection"}),
            json.dumps({"id": 7, "title": 12}),
            json.dumps({"id": 8, "share_text": "集赞送奶茶"}, ensure_ascii=False),
        ],
    )
    lines, err, error = run(path, "--default-rules")
    assert [line["id"] for line in lines] == [1, 8]
    assert lines[1]["verdict"] == "block"
    reported = [line.split(":")[0] for line in err.splitlines()]
    assert reported == ["line 2", "line 3", "line 5", "line 6", "line 7"]
    assert error is not None and "5 malformed" in str(error)


def test_missing_file_is_a_clear_error(tmp_path):
    _, _, error = run(tmp_path / "nope.jsonl", "--default-rules")
    assert error is not None and "cannot read" in str(error)


def test_exit_status_from_the_shell(tmp_path):
    good = write(tmp_path, [json.dumps({"id": 1, "title": "hi"})])
    ok = subprocess.run(
        [sys.executable, "manage.py", "sharing_check", str(good), "--default-rules"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout) == {"id": 1, "verdict": "allow", "violations": []}
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\nnope\n', encoding="utf-8")
    failed = subprocess.run(
        [sys.executable, "manage.py", "sharing_check", str(bad), "--default-rules"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert failed.returncode != 0
    assert "line 2" in failed.stderr
    assert len(failed.stdout.splitlines()) == 1


@pytest.mark.django_db
def test_uses_the_active_rulebook_from_the_database(tmp_path):
    from coupons.models import SharingRule
    from coupons.sharing.rulebook import save_rule

    rule = SharingRule.objects.get(code="likes_collection")
    rule.active = False
    save_rule(rule=rule)
    path = write(tmp_path, [json.dumps({"id": 1, "share_text": "集赞送奶茶"}, ensure_ascii=False)])
    lines, _, error = run(path)
    assert error is None
    assert lines[0]["verdict"] == "allow"
