"""Poster downloads: back office (any code of the merchant) and a staff member's own codes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from shops import entry_points, posters
from shops.models import EntryPoint

FORMATS = {
    "a4.pdf": ("application/pdf", "pdf"),
    "a5.pdf": ("application/pdf", "pdf"),
    "png": ("image/png", "png"),
    "svg": ("image/svg+xml", "svg"),
}


def poster_response(entry_point: EntryPoint, fmt: str) -> HttpResponse:
    """The poster or bare code of a live entry point in `fmt` (a4.pdf, a5.pdf, png, svg)."""
    if fmt not in FORMATS or not entry_point.is_active:
        raise Http404
    content_type, ext = FORMATS[fmt]
    if ext == "pdf":
        paper = fmt.split(".")[0].upper()
        body = posters.posters_pdf([entry_point], paper, title=str(entry_point))
        filename = posters.poster_filename(entry_point, f"{paper}.pdf")
        disposition = "inline"
    elif ext == "png":
        body, filename, disposition = (
            posters.code_png(entry_point),
            posters.poster_filename(entry_point, "png"),
            "attachment",
        )
    else:
        body, filename, disposition = (
            posters.code_svg(entry_point),
            posters.poster_filename(entry_point, "svg"),
            "attachment",
        )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def backoffice_poster(model_admin):
    """A view for EntryPointAdmin.get_urls: scoped to the member's merchant (and stores)."""

    def view(request, object_id, fmt):
        if not model_admin.has_view_permission(request):
            raise Http404
        entry_point = model_admin.get_object(request, str(object_id))  # 404 for another merchant's
        return poster_response(entry_point, fmt)

    return view


def _my_codes(request) -> tuple[EntryPoint | None, list[EntryPoint]]:
    """The member's personal code (made on first use) and the store codes of their stores."""
    membership = request.membership
    own = None
    if membership.stores.exists():
        own = entry_points.staff_entry_point(membership=membership)
    store_codes = list(
        EntryPoint.objects.filter(
            merchant=membership.merchant,
            store__in=membership.stores.all(),
            kind__in=[EntryPoint.Kind.STORE, EntryPoint.Kind.PAY],
            is_active=True,
        )
        .select_related("merchant", "store")
        .order_by("store__name", "kind", "pk")
    )
    return own, store_codes


@login_required
def my_code(request):
    """A staff member's own QR code, ready to print, and the codes of their stores."""
    if getattr(request, "merchant", None) is None or request.membership is None:
        return redirect("portal-home")
    try:
        own, store_codes = _my_codes(request)
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
        own, store_codes = None, []
    context = {
        "own": own,
        "own_svg": mark_safe(posters.code_svg_inline(own)) if own else "",  # noqa: S308 - our own SVG
        "store_codes": store_codes,
        "membership": request.membership,
    }
    if own is None and not store_codes:
        messages.info(request, _("You do not work in a store, so you have no personal QR code."))
    return render(request, "posters/my_code.html", context)


@login_required
def my_code_download(request, entry_point_id: int, fmt: str):
    if getattr(request, "merchant", None) is None or request.membership is None:
        raise Http404
    own, store_codes = _my_codes(request)
    allowed = {code.pk: code for code in ([own] if own else []) + store_codes}
    if entry_point_id not in allowed:
        raise Http404
    return poster_response(allowed[entry_point_id], fmt)
