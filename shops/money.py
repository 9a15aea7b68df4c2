"""Money is an integer number of fen (1/100 CNY) in the database and in code.

Conversions happen only at the edges (forms, templates, CSV). Rounding rules are named
functions; each states its rule.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


class MoneyError(ValueError):
    pass


def yuan_to_fen(value: str | Decimal | int) -> int:
    """Parse an amount in yuan ("12.5", "12.50", 12) into fen. More than two decimals is an error,
    never silently rounded."""
    try:
        amount = Decimal(str(value).strip().replace(",", "").replace("¥", ""))
    except (InvalidOperation, ValueError) as error:
        raise MoneyError(f"not an amount: {value!r}") from error
    if not amount.is_finite():
        raise MoneyError(f"not an amount: {value!r}")
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise MoneyError(f"more than two decimals: {value!r}")
    return int(fen)


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(int(fen)) / 100).quantize(Decimal("0.01"))


def format_fen(fen: int | None, symbol: str = "¥") -> str:
    """12345 → "¥123.45"; negative amounts keep their sign before the symbol."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    return f"{sign}{symbol}{fen_to_yuan(abs(fen)):,.2f}"


def apply_basis_points(amount_fen: int, basis_points: int) -> int:
    """amount × bp / 10000, rounded half up to the fen (0.5 fen → 1 fen), for non-negative inputs.

    Used for rebates and percentage discounts: one rule everywhere, so a statement can be
    recomputed by hand."""
    if amount_fen < 0 or basis_points < 0:
        raise MoneyError("apply_basis_points takes non-negative amounts and rates")
    return int((Decimal(amount_fen) * basis_points / 10000).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def allocate(total_fen: int, weights: list[int]) -> list[int]:
    """Split `total_fen` across `weights` proportionally, largest-remainder method: the parts
    always add up to exactly `total_fen` (no fen lost or created); ties go to the earlier item."""
    if total_fen < 0 or any(w < 0 for w in weights):
        raise MoneyError("allocate takes non-negative amounts and weights")
    weight_sum = sum(weights)
    if weight_sum == 0:
        return [0] * len(weights)
    shares = [total_fen * w // weight_sum for w in weights]
    remainders = [(total_fen * w % weight_sum, -i) for i, w in enumerate(weights)]
    for _remainder, neg_index in sorted(remainders, reverse=True)[: total_fen - sum(shares)]:
        shares[-neg_index] += 1
    return shares
