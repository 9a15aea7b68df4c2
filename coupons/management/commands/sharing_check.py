"""`python manage.py sharing_check FILE`: run the sharing checker over campaigns in JSON Lines.

One campaign per line: {"id": …, "title": …, "description": …, "share_text": …,
"landing_text": …, "mechanics": [...], "coupon_names": [...]} — every key but "id" optional.
Prints one JSON line per campaign: {"id", "verdict", "violations": [{"rule", "severity",
"field", "span"}]}. For a mechanics finding, field is "mechanics" and span is the index of
the flag in the list ([i, i + 1]). Malformed lines are reported on stderr with their line
number and skipped; the exit status is 1 if there were any, 0 otherwise. FILE "-" reads stdin.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from coupons.sharing.checker import TEXT_FIELDS, check_campaign_dict, default_rules, verdict


def parse_line(line: str) -> dict:
    """The campaign on one line, or ValueError saying what is wrong with it."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    if "id" not in data or data["id"] is None or isinstance(data["id"], (dict, list)):
        raise ValueError('missing "id" (a string or a number)')
    for name in TEXT_FIELDS:
        if name in data and data[name] is not None and not isinstance(data[name], str):
            raise ValueError(f'"{name}" must be a string')
    for name in ("mechanics", "coupon_names"):
        value = data.get(name)
        if value is not None and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
            raise ValueError(f'"{name}" must be a list of strings')
    return data


class Command(BaseCommand):
    help = "Check campaigns (JSON Lines) against the sharing rulebook; one JSON verdict per line."

    def add_arguments(self, parser):
        parser.add_argument("file", help='JSON Lines file, or "-" for standard input')
        parser.add_argument(
            "--default-rules",
            action="store_true",
            help="use the built-in default rulebook instead of the active rules in the database",
        )

    def handle(self, *args, **options):
        rules, version = self._rules(options["default_rules"])
        path = options["file"]
        try:
            stream = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        malformed = 0
        with stream:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                try:
                    data = parse_line(line)
                except ValueError as exc:
                    malformed += 1
                    self.stderr.write(f"line {number}: {exc}; skipped")
                    continue
                violations = check_campaign_dict(data, rules)
                result = {
                    "id": data["id"],
                    "verdict": verdict(violations),
                    "violations": [v.as_dict() for v in violations],
                }
                self.stdout.write(json.dumps(result, ensure_ascii=False))
        if version is not None and options["verbosity"] > 1:
            self.stderr.write(f"rulebook version {version}")
        if malformed:
            raise CommandError(f"{malformed} malformed line(s) skipped")

    def _rules(self, use_defaults: bool) -> tuple[dict[str, str], int | None]:
        if use_defaults:
            return default_rules(), None
        from coupons.sharing.rulebook import active_rules

        return active_rules()
