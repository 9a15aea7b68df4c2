from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from orders.models import Fulfilment, mainland_mobile
from shops.money import MoneyError, yuan_to_fen


class CheckoutForm(forms.Form):
    contact_name = forms.CharField(label=_("Name"), max_length=60)
    contact_mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=11,
        validators=[mainland_mobile],
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "tel", "pattern": "1[3-9][0-9]{9}"}
        ),
    )
    fulfilment = forms.ChoiceField(
        label=_("Delivery or pick-up"),
        choices=[(Fulfilment.DELIVERY, _("Deliver to me")), (Fulfilment.PICKUP, _("Pick up in store"))],
        widget=forms.RadioSelect,
        initial=Fulfilment.DELIVERY,
    )
    delivery_address = forms.CharField(label=_("Delivery address"), max_length=255, required=False)
    notes = forms.CharField(label=_("Notes"), max_length=255, required=False)
    coupon = forms.ChoiceField(label=_("Coupon"), required=False, widget=forms.RadioSelect)
    idempotency_key = forms.CharField(
        widget=forms.HiddenInput, max_length=80, initial=lambda: uuid.uuid4().hex
    )

    def __init__(self, *args, pickup_store=None, coupons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.pickup_store = pickup_store
        if coupons:
            self.fields["coupon"].choices = [("", _("No coupon"))] + [
                (str(c.pk), f"{c.definition} (−¥{c.checkout_discount_fen / 100:.2f})") for c in coupons
            ]
        else:
            del self.fields["coupon"]
        if pickup_store is None:
            self.fields["fulfilment"].choices = [(Fulfilment.DELIVERY, _("Deliver to me"))]
        else:
            self.fields["fulfilment"].choices = [
                (Fulfilment.DELIVERY, _("Deliver to me")),
                (Fulfilment.PICKUP, _("Pick up at %(store)s") % {"store": pickup_store.name}),
            ]

    def clean(self):
        data = super().clean()
        if data.get("fulfilment") == Fulfilment.DELIVERY and not (data.get("delivery_address") or "").strip():
            self.add_error("delivery_address", _("Enter a delivery address."))
        return data


class FaceToFaceForm(forms.Form):
    amount = forms.CharField(
        label=_("Amount (¥)"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": "0.00"}),
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=100, required=False)
    idempotency_key = forms.CharField(
        widget=forms.HiddenInput, max_length=80, initial=lambda: uuid.uuid4().hex
    )

    def __init__(self, *args, max_fen: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_fen = max_fen

    def clean_amount(self):
        try:
            fen = yuan_to_fen(self.cleaned_data["amount"])
        except MoneyError:
            raise forms.ValidationError(
                _("Enter an amount in yuan with at most two decimals, e.g. 12.50.")
            ) from None
        if fen <= 0:
            raise forms.ValidationError(_("Enter an amount above zero."))
        if fen > self.max_fen:
            raise forms.ValidationError(
                _("The most you can pay here at once is ¥%(max).2f.") % {"max": self.max_fen / 100}
            )
        return fen


class RefundForm(forms.Form):
    MODES = [("full", _("Everything still refundable")), ("amount", _("An amount")), ("lines", _("Items"))]
    mode = forms.ChoiceField(label=_("Refund"), choices=MODES, widget=forms.RadioSelect, initial="full")
    amount = forms.CharField(label=_("Amount (¥)"), required=False, max_length=12)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        self.line_fields = []
        for line in order.lines.all():
            left = line.quantity - line.refunded_quantity
            name = f"line_{line.pk}"
            self.fields[name] = forms.IntegerField(
                label=f"{line.title} ({line.sku})", min_value=0, max_value=left, required=False, initial=0
            )
            self.line_fields.append((name, line, left))

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        if mode == "amount":
            try:
                data["amount_fen"] = yuan_to_fen(data.get("amount") or "")
            except MoneyError:
                self.add_error("amount", _("Enter an amount in yuan with at most two decimals."))
        if mode == "lines":
            data["lines"] = {
                line.pk: data.get(name) or 0 for name, line, _left in self.line_fields if data.get(name)
            }
            if not data["lines"]:
                raise forms.ValidationError(_("Choose at least one unit to refund."))
        return data
