"""Fen arithmetic: the rounding rules written in shops/money.py, checked against oracles."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shops.money import MoneyError, allocate, apply_basis_points, format_fen, yuan_to_fen


@pytest.mark.parametrize(
    ("text", "fen"),
    [("12", 1200), ("12.5", 1250), ("12.50", 1250), ("0.01", 1), ("¥1,234.56", 123456), (" 3 ", 300)],
)
def test_yuan_to_fen_parses_amounts(text, fen):
    assert yuan_to_fen(text) == fen


@pytest.mark.parametrize("text", ["12.345", "abc", "", "NaN", "Infinity", "1e400.5"])
def test_yuan_to_fen_refuses_what_is_not_a_fen_amount(text):
    with pytest.raises(MoneyError):
        yuan_to_fen(text)


def test_format_fen():
    assert format_fen(0) == "¥0.00"
    assert format_fen(123456) == "¥1,234.56"
    assert format_fen(-5) == "-¥0.05"


@pytest.mark.parametrize(
    ("amount", "bp", "expected"),
    [(100, 250, 3), (10, 500, 1), (1, 5000, 1), (1, 4999, 0), (19999, 300, 600), (0, 800, 0)],
)
def test_basis_points_round_half_up(amount, bp, expected):
    # 100 × 2.5% = 2.5 → 3; 10 × 5% = 0.5 → 1; 1 × 49.99% = 0.4999 → 0
    assert apply_basis_points(amount, bp) == expected


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10000))
def test_basis_points_matches_exact_fraction(amount, bp):
    exact = Fraction(amount * bp, 10000)
    oracle = int(exact) + (1 if exact - int(exact) >= Fraction(1, 2) else 0)
    assert apply_basis_points(amount, bp) == oracle


@given(
    st.integers(min_value=0, max_value=10**9),
    st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=30),
)
def test_allocate_never_loses_or_creates_a_fen(total, weights):
    parts = allocate(total, weights)
    assert len(parts) == len(weights)
    if sum(weights) == 0:
        assert parts == [0] * len(weights)
        return
    assert sum(parts) == total
    for part, weight in zip(parts, weights, strict=True):
        exact = Fraction(total * weight, sum(weights))
        assert abs(part - exact) < 1  # each part is its exact share rounded down or up


def test_allocate_refuses_negative():
    with pytest.raises(MoneyError):
        allocate(-1, [1])
