def tenancy(request):
    return {
        "current_membership": getattr(request, "membership", None),
        "current_merchant": getattr(request, "merchant", None),
    }
