"""Ops admin (django.contrib.admin.site, /ops/) for the sharing rulebook and the review queue.

Imported by coupons/admin.py. Rules are edited here; every save goes through
`rulebook.save_rule`, which makes a new rulebook version. Rules are never deleted (switch
them off instead) so that old decisions still name a rule that exists. The review queue
lists campaigns in review with the words the checker found highlighted; ops approve, or
reject with a reason the merchant sees.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from coupons.models import CampaignReview, RulebookVersion, SharingDecision, SharingRule
from coupons.sharing import publication
from coupons.sharing.highlight import highlight
from coupons.sharing.matchers import MATCHERS
from coupons.sharing.rulebook import save_rule


class ExampleListField(forms.CharField):
    """A JSON list of strings edited as one example per line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class SharingRuleForm(forms.ModelForm):
    allowed_examples = ExampleListField(label=_("allowed examples (one per line)"), required=False)
    banned_examples = ExampleListField(label=_("banned examples (one per line)"), required=False)

    class Meta:
        model = SharingRule
        fields = [
            "code",
            "title_zh",
            "title_en",
            "explanation_zh",
            "explanation_en",
            "allowed_examples",
            "banned_examples",
            "severity",
            "active",
            "position",
        ]


@admin.register(SharingRule)
class SharingRuleAdmin(admin.ModelAdmin):
    form = SharingRuleForm
    list_display = [
        "code",
        "title_zh",
        "title_en",
        "severity",
        "active",
        "has_matcher",
        "version",
        "updated_at",
    ]
    list_filter = ["severity", "active"]
    search_fields = ["code", "title_zh", "title_en"]
    readonly_fields = ["version", "updated_at"]

    @admin.display(description=_("checked automatically"), boolean=True)
    def has_matcher(self, obj):
        """A rule whose code has no matcher is published on /rules/ but never fires."""
        return obj.code in MATCHERS

    def get_readonly_fields(self, request, obj=None):
        # The code keys the matcher; renaming it would silently switch the rule off.
        return [*self.readonly_fields, "code"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        save_rule(rule=obj, actor=request.user, note=f"{obj.code}: {', '.join(form.changed_data) or 'saved'}")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RulebookVersion)
class RulebookVersionAdmin(admin.ModelAdmin):
    list_display = ["number", "note", "created_by", "created_at"]
    readonly_fields = ["number", "snapshot", "note", "created_by", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SharingDecision)
class SharingDecisionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "campaign", "trigger", "verdict", "rulebook_version", "actor", "reason"]
    list_filter = ["trigger", "verdict"]
    search_fields = ["campaign__title", "reason"]
    list_select_related = ["campaign", "actor"]
    readonly_fields = [
        "campaign",
        "trigger",
        "verdict",
        "violations",
        "rulebook_version",
        "reason",
        "actor",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the merchant sees this)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )


@admin.register(CampaignReview)
class CampaignReviewAdmin(admin.ModelAdmin):
    """The ops review queue: campaigns in review, oldest first."""

    list_display = ["title", "merchant", "findings", "review_link"]
    list_filter = ["merchant"]
    search_fields = ["title", "merchant__name"]
    list_select_related = ["merchant"]
    ordering = ["id"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=publication.STATUS_IN_REVIEW)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    @admin.display(description=_("findings"))
    def findings(self, obj):
        last = obj.sharing_decisions.exclude(trigger__in=["approve", "reject"]).first()
        if not last:
            return "—"
        return ", ".join(sorted({v.get("rule", "") for v in last.violations})) or "—"

    @admin.display(description=_("review"))
    def review_link(self, obj):
        url = reverse("admin:coupons_campaignreview_review", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Review"))

    def get_urls(self):
        custom = [
            path(
                "<int:pk>/review/",
                self.admin_site.admin_view(self.review_view),
                name="coupons_campaignreview_review",
            ),
        ]
        return custom + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:coupons_campaignreview_review", pk=object_id)

    def review_view(self, request, pk):
        if not self.has_change_permission(request):
            return redirect("admin:index")
        campaign = get_object_or_404(self.get_queryset(request), pk=pk)
        form = RejectForm(request.POST or None)
        if request.method == "POST":
            try:
                if "approve" in request.POST:
                    publication.approve_campaign(campaign=campaign, actor=request.user)
                    self.message_user(request, _("Approved and published."), messages.SUCCESS)
                    return redirect("admin:coupons_campaignreview_changelist")
                if form.is_valid():
                    publication.reject_campaign(
                        campaign=campaign, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                    self.message_user(request, _("Rejected; the merchant sees the reason."), messages.WARNING)
                    return redirect("admin:coupons_campaignreview_changelist")
            except ValidationError as exc:
                form.add_error(None, exc)
        decision = publication.run_check(campaign)
        spans = publication.highlight_fields(campaign, decision.violations)
        texts = [
            (label, highlight(getattr(campaign, name, "") or "", spans.get(name, [])))
            for name, label in (
                ("title", _("Title")),
                ("description", _("Description")),
                ("share_text", _("Share text")),
                ("landing_text", _("Landing page text")),
            )
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Review: %(title)s") % {"title": campaign.title},
            "campaign": campaign,
            "decision": decision,
            "texts": texts,
            "mechanics": publication.campaign_mechanics(campaign),
            "history": campaign.sharing_decisions.select_related("actor")[:20],
            "form": form,
        }
        return TemplateResponse(request, "admin/coupons/campaign_review.html", context)
