"""Back-office pages for the catalog CSV: upload with a line-by-line error report, download."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shops import importexport


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("At most 5 MB. The first row names the columns."))


def import_view(model_admin):
    def view(request):
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read(importexport.MAX_BYTES + 1)
            result = importexport.import_catalog(merchant=request.merchant, data=data)
            if result.ok:
                messages.success(
                    request,
                    gettext(
                        "Catalog imported: %(p)s new products, %(v)s new variants, %(l)s listings written."
                    )
                    % {"p": result.products, "v": result.variants, "l": result.listings},
                )
                return HttpResponseRedirect(reverse("backoffice:shops_product_changelist"))
        context = {
            **model_admin.admin_site.each_context(request),
            "title": gettext("Import the catalog from CSV"),
            "form": form,
            "result": result,
            "columns": importexport.COLUMNS,
            "opts": model_admin.model._meta,
        }
        return TemplateResponse(
            request, "admin/shops/catalog_import.html", context, status=400 if result else 200
        )

    return view


def export_view(model_admin):
    def view(request):
        if not model_admin.has_view_permission(request):
            raise PermissionDenied
        body = importexport.export_catalog(merchant=request.merchant)
        response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
        filename = f"catalog-{request.merchant.slug}-{timezone.localdate():%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    return view
