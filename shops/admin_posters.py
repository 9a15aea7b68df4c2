"""Back office: "print all posters for these stores" and the poster batches it makes."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shops import poster_batches
from shops.backoffice import MerchantScopedAdmin, backoffice_site
from shops.models import PosterBatch


class PaperForm(forms.Form):
    paper = forms.ChoiceField(
        choices=PosterBatch.Paper.choices, initial="A4", label=_("paper size"), widget=forms.RadioSelect
    )


@admin.action(description=_("Print all posters for these stores…"), permissions=["view"])
def print_store_posters(model_admin, request, queryset):
    """StoreAdmin action: choose the paper, then a batch is queued and its progress shown."""
    form = PaperForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        try:
            batch = poster_batches.request_poster_batch(
                merchant=request.merchant,
                stores=list(queryset),
                paper=form.cleaned_data["paper"],
                created_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            model_admin.message_user(request, gettext("Printing started."), messages.SUCCESS)
            return HttpResponseRedirect(reverse("backoffice:shops_posterbatch_change", args=[batch.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Print all posters for these stores"),
        "help_text": gettext(
            "One PDF with the store code, the payment code and every staff member's code of each selected "
            "store. Codes that are missing are made now."
        ),
        "form": form,
        "queryset": queryset,
        "action": "print_store_posters",
        "submit_label": gettext("Print"),
        "opts": model_admin.model._meta,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/shops/bulk_action.html", context)


class PosterBatchAdmin(MerchantScopedAdmin):
    list_display = ["__str__", "status", "progress", "created_by", "created_at", "download"]
    list_filter = ["status"]
    role_permissions = {"owner": ("view", "delete"), "manager": ("view", "delete"), "staff": ("view",)}

    def has_add_permission(self, request, *args):
        return False  # batches come from the store list's "print all posters" action

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("progress"))
    def progress(self, obj):
        return f"{obj.done}/{obj.total}"

    @admin.display(description=_("PDF"))
    def download(self, obj):
        if obj.status != PosterBatch.Status.DONE or not obj.file:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("backoffice:shops_posterbatch_download", args=[obj.pk]),
            gettext("Download"),
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:object_id>/progress/", wrap(self.progress_view), name="shops_posterbatch_progress"),
            path("<int:object_id>/download/", wrap(self.download_view), name="shops_posterbatch_download"),
        ] + super().get_urls()

    def _batch(self, request, object_id):
        if not self.has_view_permission(request):
            raise Http404
        return self.get_object(request, str(object_id))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        batch = self._batch(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "title": str(batch),
            "batch": batch,
            "opts": self.model._meta,
            "progress_url": reverse("backoffice:shops_posterbatch_progress", args=[batch.pk]),
            "download_url": reverse("backoffice:shops_posterbatch_download", args=[batch.pk]),
            "stores": list(batch.stores.all()),
        }
        return TemplateResponse(request, "admin/shops/posterbatch_progress.html", context)

    def progress_view(self, request, object_id):
        batch = self._batch(request, object_id)
        return JsonResponse(
            {
                "status": batch.status,
                "status_display": str(batch.get_status_display()),
                "done": batch.done,
                "total": batch.total,
                "percent": batch.percent,
                "download_url": reverse("backoffice:shops_posterbatch_download", args=[batch.pk])
                if batch.status == PosterBatch.Status.DONE
                else None,
                "error": batch.error,
            }
        )

    def download_view(self, request, object_id):
        batch = self._batch(request, object_id)
        if batch.status != PosterBatch.Status.DONE or not batch.file:
            raise Http404
        return FileResponse(
            batch.file.open("rb"), content_type="application/pdf", filename=f"posters-{batch.pk}.pdf"
        )


backoffice_site.register(PosterBatch, PosterBatchAdmin)
