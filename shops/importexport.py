"""CSV import and export of a merchant's catalog: products, variants and channel listings.

File format (UTF-8, a BOM is fine; GB18030 from Chinese Excel is accepted too), one header row
with these columns, in any order:

    product      product title (required); rows with the same title are one product
    category     category name (optional; created if missing)
    description  product description (optional; when given it replaces the current one)
    sku          variant SKU code (required; unique within the brand)
    attributes   "size=M; colour=red" (optional)
    channel      "online", a store code, or empty for a variant offered nowhere yet
    price        price in yuan, e.g. 12.50 (required when channel is set)
    available    1/0, yes/no, true/false (default 1)
    exclusive    1/0, yes/no, true/false (default 0): online-only or this-store-only style

One row is one variant in one channel: a variant sold online and in two stores takes three rows
(with the same product, sku and attributes). Export writes the same format, so an exported file
can be edited and imported back.

Import is all or nothing: every row is checked first and any error is reported with its line
number (the header is line 1) while nothing is written; a file without errors is applied in one
transaction.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shops import catalog
from shops.models import Category, ChannelListing, Merchant, Product, Store, Variant
from shops.money import MoneyError, fen_to_yuan, yuan_to_fen
from shops.storefront import bump_catalog_version

COLUMNS = [
    "product",
    "category",
    "description",
    "sku",
    "attributes",
    "channel",
    "price",
    "available",
    "exclusive",
]
REQUIRED = {"product", "sku"}
ONLINE = "online"
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20000
TRUE = {"1", "yes", "y", "true", "t", "是"}
FALSE = {"0", "no", "n", "false", "f", "否"}


@dataclass
class ImportResult:
    errors: list[tuple[int, str]] = field(default_factory=list)
    products: int = 0
    variants: int = 0
    listings: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    line: int
    product: str
    category: str
    description: str | None
    sku: str
    attributes: dict
    channel: str
    price_fen: int | None
    available: bool
    exclusive: bool


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("encoding")


def _flag(value: str, default: bool) -> bool:
    value = (value or "").strip().lower()
    if not value:
        return default
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ValueError(value)


def _attributes(value: str) -> dict:
    result = {}
    for part in (value or "").split(";"):
        part = part.strip()
        if not part:
            continue
        key, sep, val = part.partition("=")
        if not sep or not key.strip():
            raise ValueError(part)
        result[key.strip()] = val.strip()
    return result


def _parse(merchant: Merchant, text: str, result: ImportResult) -> list[_Row]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = REQUIRED - set(header)
    if missing:
        result.errors.append((1, _("Missing columns: %(cols)s.") % {"cols": ", ".join(sorted(missing))}))
        return []
    unknown = set(header) - set(COLUMNS)
    if unknown:
        result.errors.append((1, _("Unknown columns: %(cols)s.") % {"cols": ", ".join(sorted(unknown))}))
        return []
    reader.fieldnames = header
    stores = {s.code.lower(): s for s in Store.objects.filter(merchant=merchant)}
    rows: list[_Row] = []
    for index, raw in enumerate(reader):
        line = reader.line_num
        if index >= MAX_ROWS:
            result.errors.append((line, _("Too many rows: at most %(n)s per file.") % {"n": MAX_ROWS}))
            break
        if None in raw:  # more cells than columns
            result.errors.append((line, _("This row has more cells than the header.")))
            continue
        get = lambda name, raw=raw: (raw.get(name) or "").strip()  # noqa: E731
        if not any(get(name) for name in header):
            continue  # blank line
        errors = []
        product, sku, channel = get("product"), get("sku"), get("channel")
        if not product:
            errors.append(_("The product title is missing."))
        elif len(product) > 120:
            errors.append(_("The product title is longer than 120 characters."))
        if not sku:
            errors.append(_("The SKU is missing."))
        elif len(sku) > 64:
            errors.append(_("The SKU is longer than 64 characters."))
        try:
            attributes = _attributes(get("attributes"))
        except ValueError:
            attributes = {}
            errors.append(_('Attributes must look like "size=M; colour=red".'))
        price_fen = None
        if channel and channel.lower() != ONLINE and channel.lower() not in stores:
            errors.append(_('Unknown store code "%(code)s".') % {"code": channel})
        if channel:
            try:
                price_fen = yuan_to_fen(get("price"))
                if price_fen < 0:
                    raise MoneyError("negative")
            except MoneyError:
                errors.append(_('"%(price)s" is not a price in yuan (e.g. 12.50).') % {"price": get("price")})
        elif get("price"):
            errors.append(_("A price needs a channel (online or a store code)."))
        try:
            available = _flag(get("available"), True)
            exclusive = _flag(get("exclusive"), False)
        except ValueError:
            available = exclusive = False
            errors.append(_("available and exclusive take 1 or 0 (yes or no)."))
        if len(get("category")) > 60:
            errors.append(_("The category name is longer than 60 characters."))
        for message in errors:
            result.errors.append((line, message))
        if not errors:
            rows.append(
                _Row(
                    line=line,
                    product=product,
                    category=get("category"),
                    description=get("description")
                    if "description" in header and get("description")
                    else None,
                    sku=sku,
                    attributes=attributes,
                    channel=channel.lower(),
                    price_fen=price_fen,
                    available=available,
                    exclusive=exclusive,
                )
            )
    return rows


def _check_consistency(merchant: Merchant, rows: list[_Row], result: ImportResult) -> None:
    """Rules across rows and against the database: one (SKU, channel) per file; a SKU belongs
    to one product; an existing SKU stays with its product."""
    seen_channel: dict[tuple[str, str], int] = {}
    sku_owner: dict[str, tuple[str, int]] = {}
    existing = dict(
        Variant.objects.filter(merchant=merchant, sku__in={r.sku for r in rows}).values_list(
            "sku", "product__title"
        )
    )
    for row in rows:
        key = (row.sku, row.channel or "-")
        if key in seen_channel:
            result.errors.append(
                (
                    row.line,
                    _('Duplicate SKU "%(sku)s" for the same channel (first on line %(first)s).')
                    % {"sku": row.sku, "first": seen_channel[key]},
                )
            )
        else:
            seen_channel[key] = row.line
        owner = sku_owner.setdefault(row.sku, (row.product, row.line))
        if owner[0] != row.product:
            result.errors.append(
                (
                    row.line,
                    _('SKU "%(sku)s" is already used for "%(product)s" on line %(first)s.')
                    % {"sku": row.sku, "product": owner[0], "first": owner[1]},
                )
            )
        if row.sku in existing and existing[row.sku] != row.product:
            result.errors.append(
                (
                    row.line,
                    _('SKU "%(sku)s" already belongs to your product "%(product)s".')
                    % {"sku": row.sku, "product": existing[row.sku]},
                )
            )


def import_catalog(*, merchant: Merchant, data: bytes) -> ImportResult:
    """Check the whole file, then apply it in one transaction, or apply nothing and return every
    error with its line number. Products are matched by title, variants by SKU, listings by
    (SKU, channel); existing ones are updated, missing ones created; nothing is deleted."""
    result = ImportResult()
    if len(data) > MAX_BYTES:
        result.errors.append((0, _("The file is larger than 5 MB.")))
        return result
    try:
        text = _decode(data)
    except ValueError:
        result.errors.append((0, _("The file is not UTF-8 or GB18030 text.")))
        return result
    try:
        rows = _parse(merchant, text, result)
    except csv.Error as error:
        result.errors.append((0, _("This is not a readable CSV file (%(error)s).") % {"error": error}))
        return result
    _check_consistency(merchant, rows, result)
    if result.errors:
        result.errors.sort()
        return result
    if not rows:
        result.errors.append((0, _("The file has no rows.")))
        return result
    try:
        with transaction.atomic():
            _apply(merchant, rows, result)
            bump_catalog_version(merchant.pk)
    except IntegrityError:
        # Another import or edit created the same SKU or category meanwhile: nothing was written.
        return ImportResult(
            errors=[(0, _("The catalog changed while importing. Nothing was imported; try again."))]
        )
    return result


def _apply(merchant: Merchant, rows: list[_Row], result: ImportResult) -> None:
    stores = {s.code.lower(): s for s in Store.objects.filter(merchant=merchant)}
    categories = {c.name: c for c in Category.objects.filter(merchant=merchant)}
    products: dict[str, Product] = {}
    for product in Product.objects.filter(merchant=merchant, title__in={r.product for r in rows}).order_by(
        "pk"
    ):
        products.setdefault(product.title, product)
    variants = {v.sku: v for v in Variant.objects.filter(merchant=merchant, sku__in={r.sku for r in rows})}
    for row in rows:
        category = None
        if row.category:
            category = categories.get(row.category)
            if category is None:
                category = categories[row.category] = Category.objects.create(
                    merchant=merchant, name=row.category
                )
        product = products.get(row.product)
        if product is None:
            product = products[row.product] = Product.objects.create(
                merchant=merchant, title=row.product, category=category, description=row.description or ""
            )
            result.products += 1
        else:
            changed = []
            if category is not None and product.category_id != category.pk:
                product.category, changed = category, [*changed, "category"]
            if row.description is not None and product.description != row.description:
                product.description, changed = row.description, [*changed, "description"]
            if changed:
                product.save(update_fields=changed)
        variant = variants.get(row.sku)
        if variant is None:
            variant = variants[row.sku] = Variant.objects.create(
                merchant=merchant, product=product, sku=row.sku, attributes=row.attributes
            )
            result.variants += 1
        elif row.attributes and variant.attributes != row.attributes:
            variant.attributes = row.attributes
            variant.save(update_fields=["attributes"])
        if row.channel:
            catalog.set_listing(
                merchant=merchant,
                variant=variant,
                store=None if row.channel == ONLINE else stores[row.channel],
                price_fen=row.price_fen,
                is_available=row.available,
                is_exclusive=row.exclusive,
            )
            result.listings += 1


def export_catalog(*, merchant: Merchant) -> str:
    """The merchant's whole catalog in the import format (UTF-8 with a BOM, for Excel)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    listings: dict[int, list[ChannelListing]] = {}
    for listing in ChannelListing.objects.filter(merchant=merchant).select_related("store"):
        listings.setdefault(listing.variant_id, []).append(listing)
    variants = (
        Variant.objects.filter(merchant=merchant)
        .select_related("product__category")
        .order_by("product__title", "product_id", "sku")
    )
    for variant in variants:
        product = variant.product
        base = [
            product.title,
            product.category.name if product.category_id else "",
            product.description,
            variant.sku,
            "; ".join(f"{k}={v}" for k, v in (variant.attributes or {}).items()),
        ]
        rows = sorted(
            listings.get(variant.pk, []),
            key=lambda item: (item.store_id is not None, item.store.code if item.store_id else ""),
        )
        if not rows:
            writer.writerow([*base, "", "", "", ""])
        for listing in rows:
            writer.writerow(
                [
                    *base,
                    listing.store.code if listing.store_id else ONLINE,
                    f"{fen_to_yuan(listing.price_fen)}",
                    "1" if listing.is_available else "0",
                    "1" if listing.is_exclusive else "0",
                ]
            )
    return out.getvalue()
