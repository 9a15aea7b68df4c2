"""The shopper's long-lived cookie identity: no login is needed to browse, claim or buy.

The cookie holds a random UUID signed with the site's key (tampering yields a new identity,
never someone else's). A shopper becomes a `Customer` of a merchant the first time they touch
that merchant (scan, claim, order): the same person at two brands is two customers.
"""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction

from shops.models import Customer, Merchant

COOKIE_NAME = "mp_shopper"
COOKIE_SALT = "midpage.shopper"
COOKIE_MAX_AGE = 60 * 60 * 24 * 365 * 2  # two years


def read_shopper_uid(request) -> uuid.UUID | None:
    """The shopper id from the signed cookie, or None if absent or tampered with."""
    raw = request.get_signed_cookie(COOKIE_NAME, default=None, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE)
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


def shopper_uid(request) -> uuid.UUID:
    """The request's shopper id, minting one (remembered on the request) if it has none.

    Call `remember_shopper(request, response)` on the response so a new id is stored."""
    uid = getattr(request, "_shopper_uid", None) or read_shopper_uid(request)
    if uid is None:
        uid = uuid.uuid4()
        request._shopper_uid_is_new = True
    request._shopper_uid = uid
    return uid


def remember_shopper(request, response):
    """Set (or refresh) the signed shopper cookie on `response`."""
    uid = getattr(request, "_shopper_uid", None)
    if uid is not None:
        response.set_signed_cookie(
            COOKIE_NAME,
            str(uid),
            salt=COOKIE_SALT,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def customer_for(*, merchant: Merchant, uid: uuid.UUID) -> Customer:
    """The merchant's customer for this shopper, created on first touch (race-safe)."""
    customer = Customer.objects.filter(merchant=merchant, shopper_uid=uid).first()
    if customer is not None:
        return customer
    try:
        with transaction.atomic():
            return Customer.objects.create(merchant=merchant, shopper_uid=uid)
    except IntegrityError:
        return Customer.objects.get(merchant=merchant, shopper_uid=uid)
