"""Celery tasks for attribution and rebates: thin wrappers over services, safe to run twice or
concurrently (uniqueness lives in the database; closes serialise on the policy row lock)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="attribution.accrue")
def accrue_rebates(merchant_id: int | None = None) -> int:
    """Accrue ledger lines and refresh draft statements, for one merchant or all. Returns lines written."""
    from attribution.settlement import merchants_with_rebates, run_accrual

    merchants = merchants_with_rebates()
    if merchant_id is not None:
        merchants = merchants.filter(pk=merchant_id)
    return sum(run_accrual(merchant=merchant).lines_created for merchant in merchants)


@shared_task(name="attribution.close_periods")
def close_periods(merchant_id: int | None = None) -> int:
    """Close each merchant's previous settlement period (a no-op where it is already closed)."""
    from attribution.settlement import merchants_with_rebates, run_close

    merchants = merchants_with_rebates()
    if merchant_id is not None:
        merchants = merchants.filter(pk=merchant_id)
    return sum(run_close(merchant=merchant).statements_written for merchant in merchants)


@shared_task(name="attribution.sweep_bindings")
def sweep_bindings() -> dict:
    """Expire bindings whose protection ended; pass customers of staff who left to their store."""
    from attribution.services import sweep_bindings as sweep

    return sweep()


@shared_task(name="attribution.announce_statements")
def announce_statements(statement_ids: list[int]) -> int:
    """Webhook events for statements a close has just made final."""
    from attribution.settlement import announce_statements as announce

    return announce(statement_ids=statement_ids)
