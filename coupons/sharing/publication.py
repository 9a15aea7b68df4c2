"""Sharing decisions on real campaigns: at publish, after edits, and by ops in the review queue.

The coupons publish flow calls `check_for_publication(campaign, actor=...)` and acts on the
returned `Decision`: `blocked` → refuse with `decision.message()`; `needs_review` → status
in review (ops queue); `allowed` → publish. Saving a live campaign's texts or mechanics
calls `recheck_after_edit(campaign=..., actor=...)`. Ops call `approve_campaign` /
`reject_campaign`. Every call records a `SharingDecision` (who, when, rulebook version).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from coupons.sharing.checker import (
    ALLOW,
    BLOCK,
    MECHANICS_FIELD,
    REVIEW,
    TEXT_FIELDS,
    Violation,
    check,
    verdict,
)
from coupons.sharing.matchers import MECHANICS
from coupons.sharing.rulebook import active_rule_objects, current_version

STATUS_IN_REVIEW = "in_review"
STATUS_PUBLISHED = "published"
STATUS_REJECTED = "rejected"


@dataclass
class Decision:
    """What the checker decided about a campaign, and the record of it."""

    verdict: str
    violations: list[Violation]
    rulebook_version: int
    rules: dict[str, Any] = field(default_factory=dict)  # code → SharingRule, for titles
    record: Any = None  # the SharingDecision row

    @property
    def allowed(self) -> bool:
        return self.verdict == ALLOW

    @property
    def needs_review(self) -> bool:
        return self.verdict == REVIEW

    @property
    def blocked(self) -> bool:
        return self.verdict == BLOCK

    def findings(self) -> list[dict]:
        """One dict per violation with the rule's title in the current language."""
        out = []
        for v in self.violations:
            rule = self.rules.get(v.rule)
            out.append(
                {
                    "rule": v.rule,
                    "title": rule.title if rule else v.rule,
                    "severity": v.severity,
                    "field": v.field,
                    "span": v.span,
                    "words": v.matched_text,
                }
            )
        return out

    def message(self) -> str:
        """A sentence for the merchant: which rules, which words."""
        if self.allowed:
            return _("This campaign follows the sharing rules.")
        words_by_title: dict[str, list[str]] = {}
        for f in self.findings():
            words = words_by_title.setdefault(str(f["title"]), [])
            if f["field"] == MECHANICS_FIELD:
                shown = _("mechanic “%(flag)s”") % {"flag": _mechanic_label(f["words"])}
            else:
                shown = f"“{f['words']}”"
            if f["words"] and shown not in words:
                words.append(shown)
        sep = ", " if (get_language() or "").startswith("en") else "、"
        parts = [f"{title}: " + sep.join(words) for title, words in words_by_title.items()]
        if self.blocked:
            head = _("This campaign cannot be published because it breaks the sharing rules")
        else:
            head = _("This campaign will be published after a review by the platform")
        return f"{head} — " + "; ".join(parts)


def _mechanic_label(flag: str) -> str:
    try:
        from coupons.models import Mechanic

        return str(Mechanic(flag).label)
    except (ImportError, ValueError):
        return flag


def campaign_texts(campaign) -> dict[str, str]:
    return {name: getattr(campaign, name, "") or "" for name in TEXT_FIELDS}


def campaign_mechanics(campaign) -> list[str]:
    """The campaign's mechanics flags, whether stored as a list or as one boolean per flag."""
    value = getattr(campaign, "mechanics", None)
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if isinstance(value, str) and value:
        return [v.strip() for v in value.split(",") if v.strip()]
    return [flag for flag in MECHANICS if getattr(campaign, flag, False) is True]


def campaign_coupon_names(campaign) -> list[str]:
    for attr in ("coupon_definitions", "definitions", "coupon_types", "coupons"):
        related = getattr(campaign, attr, None)
        if related is not None and hasattr(related, "all"):
            try:
                return [getattr(d, "name", "") or "" for d in related.all()]
            except Exception:  # noqa: BLE001 - an unsaved campaign has no related rows yet
                return []
    return []


def run_check(campaign) -> Decision:
    """The checker over a campaign with the active rulebook, without recording anything."""
    rules = active_rule_objects()
    severities = {code: rule.severity for code, rule in rules.items()}
    violations = check(
        campaign_texts(campaign), campaign_mechanics(campaign), campaign_coupon_names(campaign), severities
    )
    return Decision(verdict(violations), violations, current_version(), rules)


def _record(
    campaign, decision: Decision, *, trigger: str, actor=None, reason: str = "", verdict_override=None
):
    from coupons.models import SharingDecision

    decision.record = SharingDecision.objects.create(
        campaign=campaign,
        trigger=trigger,
        verdict=verdict_override or decision.verdict,
        violations=[{**v.as_dict(), "text": v.matched_text} for v in decision.violations],
        rulebook_version=decision.rulebook_version,
        reason=reason,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    return decision


def _set_status(campaign, status: str, *, actor=None, reason: str = "") -> None:
    """Move the campaign through the coupons state machine when it has one, else set the field."""
    try:
        from coupons import services as coupon_services
    except ImportError:  # pragma: no cover - the coupons services always exist in the project
        coupon_services = None
    transition = getattr(coupon_services, "transition_campaign", None)
    if transition is not None:
        transition(campaign=campaign, status=status, actor=actor, reason=reason)
        return
    campaign.status = status
    update_fields = ["status"]
    if status == STATUS_REJECTED and hasattr(campaign, "review_reason"):
        campaign.review_reason = reason
        update_fields.append("review_reason")
    if status == STATUS_PUBLISHED and hasattr(campaign, "published_at") and not campaign.published_at:
        from django.utils import timezone

        campaign.published_at = timezone.now()
        update_fields.append("published_at")
    campaign.save(update_fields=update_fields)


@transaction.atomic
def check_for_publication(campaign, *, actor=None) -> Decision:
    """Check a campaign that is about to be published and record the decision.

    Guarantees: one `SharingDecision` (trigger publish) with the verdict, the violations and
    the rulebook version; the campaign itself is not changed — the publish flow acts on the
    returned decision.
    """
    return _record(campaign, run_check(campaign), trigger="publish", actor=actor)


def _finding_keys(violations) -> set[tuple]:
    keys = set()
    for v in violations:
        if isinstance(v, Violation):
            keys.add((v.rule, v.field, v.matched_text))
        else:
            keys.add((v.get("rule"), v.get("field"), v.get("text", "")))
    return keys


@transaction.atomic
def recheck_after_edit(*, campaign, actor=None) -> Decision:
    """Re-run the check after a live campaign's texts or mechanics changed.

    Guarantees: a `SharingDecision` (trigger edit) is recorded. A published campaign with a
    finding that ops have not already approved (same rule, field and words) goes back to
    in review; otherwise its status is unchanged. Campaigns that are not published are only
    recorded (they are checked again when published).
    """
    from coupons.models import SharingDecision

    decision = run_check(campaign)
    if getattr(campaign, "status", None) != STATUS_PUBLISHED or not decision.violations:
        return _record(campaign, decision, trigger="edit", actor=actor)
    approved = SharingDecision.objects.filter(campaign=campaign, trigger="approve").first()
    already_approved = _finding_keys(approved.violations) if approved else set()
    new = [v for v in decision.violations if (v.rule, v.field, v.matched_text) not in already_approved]
    if not new and not decision.blocked:
        return _record(campaign, decision, trigger="edit", actor=actor, verdict_override=ALLOW)
    _record(
        campaign,
        decision,
        trigger="edit",
        actor=actor,
        verdict_override=REVIEW if not decision.blocked else None,
    )
    _set_status(campaign, STATUS_IN_REVIEW, actor=actor)
    return decision


@transaction.atomic
def approve_campaign(*, campaign, actor, note: str = "") -> Decision:
    """Ops approve a campaign in the review queue: it is published.

    Guarantees: only a campaign in review can be approved, and only if its current texts
    break no *block* rule (ops cannot wave through what the rulebook forbids; they reject
    instead); the approval is recorded with the findings it accepted.
    """
    campaign = type(campaign).objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != STATUS_IN_REVIEW:
        raise ValidationError(_("Only a campaign waiting for review can be approved."))
    decision = run_check(campaign)
    if decision.blocked:
        raise ValidationError(decision.message())
    _record(campaign, decision, trigger="approve", actor=actor, reason=note, verdict_override=ALLOW)
    _set_status(campaign, STATUS_PUBLISHED, actor=actor, reason=note)
    return decision


@transaction.atomic
def reject_campaign(*, campaign, actor, reason: str) -> Decision:
    """Ops reject a campaign in the review queue with a reason the merchant sees.

    Guarantees: a reason is required; the campaign becomes rejected (not published) and the
    rejection is recorded with the reason, the findings and the rulebook version.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the merchant a reason for the rejection."))
    campaign = type(campaign).objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != STATUS_IN_REVIEW:
        raise ValidationError(_("Only a campaign waiting for review can be rejected."))
    decision = run_check(campaign)
    _record(campaign, decision, trigger="reject", actor=actor, reason=reason, verdict_override=BLOCK)
    _set_status(campaign, STATUS_REJECTED, actor=actor, reason=reason)
    return decision


def latest_rejection(campaign):
    """The most recent ops rejection of this campaign (its reason is shown to the merchant)."""
    return campaign.sharing_decisions.filter(trigger="reject").first()


def highlight_fields(campaign, violations) -> dict[str, list[tuple[int, int, str]]]:
    """field → [(start, end, rule)] for the back office highlighter."""
    out: dict[str, list[tuple[int, int, str]]] = {}
    for v in violations:
        data = v.as_dict() if isinstance(v, Violation) else v
        if data["field"] != MECHANICS_FIELD:
            out.setdefault(data["field"], []).append((data["span"][0], data["span"][1], data["rule"]))
    return out
