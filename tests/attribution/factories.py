"""Factories and small helpers for attribution and rebate tests."""

from __future__ import annotations

from tests import factories


def staff_member(merchant, store, **kwargs):
    """An active staff membership working in `store`."""
    return factories.MembershipFactory(merchant=merchant, role="staff", stores=[store], **kwargs)
