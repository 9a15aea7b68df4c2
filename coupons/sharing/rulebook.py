"""The rulebook in the database: active rules for the checker, versions, ops edits, seeding."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from coupons.sharing.defaults import DEFAULT_RULES


def current_version() -> int:
    """The number of the rulebook in force (0 before any rule exists)."""
    from coupons.models import RulebookVersion

    latest = RulebookVersion.objects.order_by("-number").values_list("number", flat=True).first()
    return latest or 0


def active_rules() -> tuple[dict[str, str], int]:
    """(code → severity for every active rule, rulebook version) as the checker takes them."""
    from coupons.models import SharingRule

    with transaction.atomic():
        rules = dict(SharingRule.objects.filter(active=True).values_list("code", "severity"))
        return rules, current_version()


def active_rule_objects() -> dict:
    from coupons.models import SharingRule

    return {rule.code: rule for rule in SharingRule.objects.filter(active=True)}


@transaction.atomic
def save_rule(*, rule, actor=None, note: str = ""):
    """Save an ops edit of a rule as a new rulebook version.

    Guarantees: the rule and a new `RulebookVersion` (number = previous + 1, with a snapshot
    of every rule) are written together; concurrent edits get consecutive numbers.
    """
    from coupons.models import RulebookVersion, SharingRule

    # The first version row is a stable mutex: lock it, then read the latest number with a
    # fresh query (locking "the latest row" would hand a waiting editor a stale number).
    list(RulebookVersion.objects.select_for_update().order_by("number")[:1])
    number = (RulebookVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    rule.version = number
    rule.save()
    snapshot = [r.as_snapshot() for r in SharingRule.objects.order_by("position", "code")]
    RulebookVersion.objects.create(
        number=number, snapshot=snapshot, note=note or f"{rule.code} changed", created_by=actor
    )
    return rule


def seed_default_rules(rule_model=None, version_model=None) -> int:
    """Create the default rules that do not exist yet (by code); returns how many were created.

    Idempotent. Takes the models as arguments so the data migration can pass historical ones.
    """
    if rule_model is None or version_model is None:
        from coupons.models import RulebookVersion, SharingRule

        rule_model, version_model = SharingRule, RulebookVersion
    created = 0
    for position, spec in enumerate(DEFAULT_RULES):
        _, was_created = rule_model.objects.get_or_create(
            code=spec["code"],
            defaults={
                "title_zh": spec["title_zh"],
                "title_en": spec["title_en"],
                "explanation_zh": spec["explanation_zh"],
                "explanation_en": spec["explanation_en"],
                "allowed_examples": spec["allowed_examples"],
                "banned_examples": spec["banned_examples"],
                "severity": spec["severity"],
                "active": True,
                "version": 1,
                "position": position,
            },
        )
        created += was_created
    if not version_model.objects.exists():
        snapshot = [
            {
                "code": r.code,
                "severity": r.severity,
                "active": r.active,
                "title_zh": r.title_zh,
                "title_en": r.title_en,
            }
            for r in rule_model.objects.order_by("position", "code")
        ]
        version_model.objects.create(number=1, snapshot=snapshot, note="default rulebook")
    return created
