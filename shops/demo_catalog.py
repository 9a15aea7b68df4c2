"""Demo catalog and QR codes for the demo brands (called from shops.demo.seed; idempotent).

Shows what Midpage is for: the same variant cheaper in one store than online, styles only one
store sells, online-only styles, and a store, pay and personal staff code for every store and
staff member, so the printed posters and the scan → storefront path can be tried at once.
"""

from __future__ import annotations

from shops import catalog, entry_points
from shops.models import Category, ChannelListing, Membership, Merchant, Product, Store, Variant

# brand slug → [(category, title, description, [(sku, attributes, online price fen or None,
#                 online exclusive, {store code: (price fen, exclusive)})])]
CATALOG = {
    "chayu": [
        (
            "乌龙 Oolong",
            "大红袍 Da Hong Pao",
            "武夷岩茶，焙火醇厚。Roasted rock oolong from the Wuyi mountains.",
            [
                (
                    "DHP-100",
                    {"规格 size": "100g"},
                    12800,
                    False,
                    {"jingan": (9800, False), "xuhui": (10800, False)},
                ),
                ("DHP-250", {"规格 size": "250g"}, 28800, False, {"jingan": (25800, False)}),
            ],
        ),
        (
            "乌龙 Oolong",
            "铁观音 Tieguanyin",
            "清香型铁观音。Fragrant Anxi Tieguanyin.",
            [("TGY-100", {"规格 size": "100g"}, 9800, False, {"pudong": (9800, False)})],
        ),
        (
            "绿茶 Green tea",
            "西湖龙井 Longjing",
            "明前龙井，豆香清新。Pre-Qingming Longjing.",
            [
                (
                    "LJ-50",
                    {"规格 size": "50g"},
                    16800,
                    False,
                    {"jingan": (16800, False), "xuhui": (16800, False)},
                ),
                ("LJ-100", {"规格 size": "100g"}, 31800, False, {}),
            ],
        ),
        (
            "绿茶 Green tea",
            "静安限定 茉莉银针 Jasmine Silver Needle",
            "只在静安寺店窨制。Scented in the Jing'an shop only.",
            [("JSN-80", {"规格 size": "80g"}, None, False, {"jingan": (8800, True)})],
        ),
        (
            "茶器 Teaware",
            "白瓷盖碗 Porcelain gaiwan",
            "线上专属款。Online-only style.",
            [("GW-1", {"容量 volume": "150ml"}, 19900, True, {})],
        ),
    ],
    "beiling": [
        (
            "外套 Outerwear",
            "羊毛大衣 Wool coat",
            "双面羊毛。Double-faced wool.",
            [
                (
                    f"COAT-{size}",
                    {"尺码 size": size, "颜色 colour": "驼色 camel"},
                    129900,
                    False,
                    {"sanlitun": (119900, False)},
                )
                for size in ("S", "M", "L")
            ],
        ),
        (
            "T恤 T-shirts",
            "基础T恤 Basic tee",
            "100% 棉。100% cotton.",
            [
                (
                    f"TEE-{size}",
                    {"尺码 size": size},
                    12900,
                    False,
                    {"sanlitun": (9900, False), "xidan": (9900, False)},
                )
                for size in ("S", "M", "L")
            ],
        ),
        (
            "外套 Outerwear",
            "三里屯限定卫衣 Sanlitun hoodie",
            "三里屯店限定款。Sold only in the Sanlitun shop.",
            [
                (f"HOOD-{size}", {"尺码 size": size}, None, False, {"sanlitun": (39900, True)})
                for size in ("M", "L")
            ],
        ),
        (
            "外套 Outerwear",
            "线上专属牛仔外套 Denim jacket (online only)",
            "线上专属款。Online-only style.",
            [("DEN-M", {"尺码 size": "M"}, 59900, True, {})],
        ),
    ],
}


def _listing(
    merchant: Merchant, variant: Variant, store: Store | None, price_fen: int, exclusive: bool
) -> None:
    # Only when missing: re-running the seed must not touch prices a person changed (or updated_at).
    if not ChannelListing.objects.filter(variant=variant, store=store).exists():
        catalog.set_listing(
            merchant=merchant, variant=variant, store=store, price_fen=price_fen, is_exclusive=exclusive
        )


def seed(merchants: dict[str, Merchant]) -> None:
    for slug, products in CATALOG.items():
        merchant = merchants.get(slug)
        if merchant is None:
            continue
        stores = {store.code: store for store in Store.objects.filter(merchant=merchant)}
        for position, (category_name, title, description, variants) in enumerate(products):
            category, _ = Category.objects.get_or_create(
                merchant=merchant, name=category_name, defaults={"position": position}
            )
            product, _ = Product.objects.get_or_create(
                merchant=merchant, title=title, defaults={"category": category, "description": description}
            )
            for sku, attributes, online_fen, online_exclusive, in_stores in variants:
                variant, _ = Variant.objects.get_or_create(
                    merchant=merchant, sku=sku, defaults={"product": product, "attributes": attributes}
                )
                if online_fen is not None:
                    _listing(merchant, variant, None, online_fen, online_exclusive)
                for code, (price_fen, exclusive) in in_stores.items():
                    if code in stores:
                        _listing(merchant, variant, stores[code], price_fen, exclusive)
        for store in stores.values():
            entry_points.ensure_store_entry_points(store=store)
        for membership in Membership.objects.filter(
            merchant=merchant, is_active=True, stores__isnull=False
        ).distinct():
            entry_points.staff_entry_point(membership=membership)
