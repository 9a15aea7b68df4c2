"""Poster downloads: back office (any code of the merchant) and a staff member's own code."""

from django.http import Http404


def backoffice_poster(model_admin):
    def view(request, object_id, fmt):
        raise Http404

    return view
