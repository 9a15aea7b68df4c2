"""The sharing rulebook and the record of every sharing decision on a campaign (issue 6).

Imported by `coupons/models.py`. Rules are platform-wide (ops edit them, every merchant
reads them at /rules/), so they carry no tenant path; decisions belong to a campaign and so
to its merchant.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    BLOCK = "block", _("Block publication")
    REVIEW = "review", _("Send to ops review")


class RulebookVersion(models.Model):
    """One published state of the rulebook. Every change to a rule makes a new version,
    with a snapshot of all rules, so a decision can say exactly which rules it applied."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    snapshot = models.JSONField(_("rules at this version"), default=list)
    note = models.CharField(_("what changed"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rulebook version")
        verbose_name_plural = _("rulebook versions")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"v{self.number}"


class SharingRule(models.Model):
    """A rule of the sharing policy. `code` keys the matcher in coupons.sharing.matchers."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=120)
    explanation_zh = models.TextField(_("explanation (Chinese)"))
    explanation_en = models.TextField(_("explanation (English)"))
    allowed_examples = models.JSONField(_("allowed examples"), default=list, blank=True)
    banned_examples = models.JSONField(_("banned examples"), default=list, blank=True)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.BLOCK
    )
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(
        _("rulebook version"), default=1, help_text=_("The rulebook version in which this rule last changed.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("sharing rule")
        verbose_name_plural = _("sharing rules")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__in=["block", "review"]), name="sharing_rule_severity_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    @property
    def title(self) -> str:
        return self.title_en if (get_language() or "").startswith("en") else self.title_zh

    @property
    def explanation(self) -> str:
        return self.explanation_en if (get_language() or "").startswith("en") else self.explanation_zh

    def as_snapshot(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "active": self.active,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
        }


class SharingDecision(models.Model):
    """One sharing decision on a campaign: a checker run or an ops review. Append-only."""

    class Trigger(models.TextChoices):
        PUBLISH = "publish", _("Publish attempt")
        EDIT = "edit", _("Edit of a live campaign")
        APPROVE = "approve", _("Approved by ops")
        REJECT = "reject", _("Rejected by ops")

    class Verdict(models.TextChoices):
        ALLOW = "allow", _("Allowed")
        REVIEW = "review", _("Sent to review")
        BLOCK = "block", _("Blocked")

    tenant_path = "campaign__merchant"

    campaign = models.ForeignKey(
        "coupons.Campaign",
        on_delete=models.CASCADE,
        related_name="sharing_decisions",
        verbose_name=_("campaign"),
    )
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices)
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    violations = models.JSONField(_("violations"), default=list, blank=True)
    rulebook_version = models.PositiveIntegerField(_("rulebook version"))
    reason = models.TextField(_("reason shown to the merchant"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("sharing decision")
        verbose_name_plural = _("sharing decisions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(verdict__in=["allow", "review", "block"]), name="sharing_decision_verdict_valid"
            ),
            models.CheckConstraint(
                condition=~Q(trigger="reject") | ~Q(reason=""), name="sharing_decision_reject_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_trigger_display()}: {self.get_verdict_display()}"


# coupons/models.py imports this module after defining Campaign, so it is available here.
from coupons.models import Campaign  # noqa: E402


class CampaignReview(Campaign):
    """The ops review queue: campaigns waiting for a sharing review (a proxy, no table)."""

    class Meta:
        proxy = True
        verbose_name = _("campaign in review")
        verbose_name_plural = _("sharing review queue")
