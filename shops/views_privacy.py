"""The shopper's privacy page at a brand: ask to see or delete my data, see the answers."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shops import privacy
from shops.models import Customer, Merchant
from shops.models_api import PersonalDataRequest
from shops.shoppers import read_shopper_uid


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("I would like to"), choices=PersonalDataRequest.Kind.choices)
    message = forms.CharField(
        label=gettext_lazy("Anything the brand should know (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def privacy_page(request, merchant_slug: str):
    merchant = get_object_or_404(Merchant, slug=merchant_slug, status=Merchant.Status.ACTIVE)
    uid = read_shopper_uid(request)
    customer = Customer.objects.filter(merchant=merchant, shopper_uid=uid).first() if uid else None
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if customer is None:
            messages.info(request, _("This brand holds no personal data about you."))
            return redirect("privacy", merchant_slug=merchant.slug)
        try:
            privacy.submit_request(
                merchant=merchant,
                uid=uid,
                kind=form.cleaned_data["kind"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your request was sent to %(brand)s.") % {"brand": merchant.name})
        return redirect("privacy", merchant_slug=merchant.slug)
    requests = list(privacy.requests_of(merchant=merchant, uid=uid)) if customer else []
    access_granted = any(
        r.kind == PersonalDataRequest.Kind.ACCESS and r.status == PersonalDataRequest.Status.DONE
        for r in requests
    )
    context = {
        "merchant": merchant,
        "customer": customer,
        "form": form,
        "requests": requests,
        "tables": privacy.data_about(customer) if customer and access_granted else None,
    }
    return render(request, "api/privacy.html", context)
