"""Pages of the open-API capability outside the API itself: export downloads."""

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from shops.exports import export_for_token


@require_GET
def export_download(request, token: str):
    """The export file, for as long as the signed link is valid (the link is the permission)."""
    export = export_for_token(token)
    if export is None:
        raise Http404
    response = FileResponse(
        export.file.open("rb"), as_attachment=True, filename=export.file.name.rsplit("/", 1)[-1]
    )
    response["Cache-Control"] = "private, no-store"
    return response
