"""Catalog services: what each channel (online or one store) offers, at which price.

Every change of a listing goes through here, so the rule "a listing's variant and store belong
to the listing's merchant" holds whatever the caller (back office, CSV import, API, demo).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shops.models import ChannelListing, Merchant, Store, Variant
from shops.storefront import bump_catalog_version


def check_listing_parts(*, merchant: Merchant, variant: Variant | None, store: Store | None) -> None:
    """Raise ValidationError unless the variant (and the store, when given) are the merchant's."""
    if variant is not None and variant.merchant_id != merchant.pk:
        raise ValidationError({"variant": _("This product variant does not belong to your brand.")})
    if store is not None and store.merchant_id != merchant.pk:
        raise ValidationError({"store": _("This store does not belong to your brand.")})


@transaction.atomic
def set_listing(
    *,
    merchant: Merchant,
    variant: Variant,
    store: Store | None,
    price_fen: int,
    is_available: bool = True,
    is_exclusive: bool = False,
) -> ChannelListing:
    """Create or update the one listing of `variant` in a channel (`store=None` is online).

    Guarantees: the variant and store are the merchant's; the price is a non-negative integer
    number of fen; there is never more than one listing per variant and channel (DB constraint).
    """
    check_listing_parts(merchant=merchant, variant=variant, store=store)
    bump_catalog_version(merchant.pk)
    if isinstance(price_fen, bool) or not isinstance(price_fen, int) or price_fen < 0:
        raise ValidationError({"price_fen": _("The price must be a whole, non-negative number of fen.")})
    listing = (
        ChannelListing.objects.select_for_update()
        .filter(merchant=merchant, variant=variant, store=store)
        .first()
    )
    if listing is None:
        try:
            with transaction.atomic():
                return ChannelListing.objects.create(
                    merchant=merchant,
                    variant=variant,
                    store=store,
                    price_fen=price_fen,
                    is_available=is_available,
                    is_exclusive=is_exclusive,
                )
        except IntegrityError:
            # Someone listed it in this channel at the same moment: the last writer's price wins.
            listing = ChannelListing.objects.select_for_update().get(variant=variant, store=store)
    listing.price_fen = price_fen
    listing.is_available = is_available
    listing.is_exclusive = is_exclusive
    listing.save(update_fields=["price_fen", "is_available", "is_exclusive", "updated_at"])
    return listing


@transaction.atomic
def list_variants_online(*, merchant: Merchant, variants: Iterable[Variant], price_fen: int) -> int:
    """Offer each variant online at `price_fen` (creating or repricing its online listing, and
    making it available). All or nothing; returns how many listings were written."""
    count = 0
    for variant in variants:
        set_listing(merchant=merchant, variant=variant, store=None, price_fen=price_fen, is_available=True)
        count += 1
    return count


@transaction.atomic
def copy_online_listings_to_stores(
    *, merchant: Merchant, variants: Iterable[Variant], stores: Iterable[Store], overwrite: bool = False
) -> int:
    """Give each store a listing of each variant at its online price and availability.

    Store listings that already exist keep their own price unless `overwrite`. Variants with no
    online listing are skipped. The exclusive flag is not copied (an online-only style copied to a
    store would contradict itself). Returns how many store listings were created or updated."""
    stores = list(stores)
    for store in stores:
        check_listing_parts(merchant=merchant, variant=None, store=store)
    variant_ids = [v.pk for v in variants if v.merchant_id == merchant.pk]
    online = ChannelListing.objects.filter(
        merchant=merchant, variant_id__in=variant_ids, store__isnull=True
    ).select_related("variant")
    existing = set(
        ChannelListing.objects.filter(
            merchant=merchant, variant_id__in=variant_ids, store__in=stores
        ).values_list("variant_id", "store_id")
    )
    count = 0
    for listing in online:
        for store in stores:
            if (listing.variant_id, store.pk) in existing and not overwrite:
                continue
            set_listing(
                merchant=merchant,
                variant=listing.variant,
                store=store,
                price_fen=listing.price_fen,
                is_available=listing.is_available,
            )
            count += 1
    return count
