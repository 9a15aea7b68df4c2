"""Rebate settlement services: accrue the ledger, build statements, close periods, pay, dispute.

Everything here is set-based SQL (INSERT … SELECT with aggregates and ON CONFLICT DO NOTHING),
never one Python iteration per order, and safe to run twice or concurrently:

- ledger lines are unique per (order, beneficiary) for accruals and (refund, beneficiary) for
  clawbacks (database constraints); the inserts skip rows that already exist;
- a period is closed in one transaction under the merchant's policy row lock: a killed worker
  leaves no partial statement, and a second close of the same period changes nothing.

Money rules (also in RebatePolicy's docstring):
- accrual per order and beneficiary = round_half_up(Σ line base × line rate / 10000), where
  line base = line_total_fen − discount_fen (0 for excluded products), shipping excluded;
- clawback of a refund = −(round_half_up(A × R_after / T) − round_half_up(A × R_before / T)),
  A the accrual, T the order total paid, R_before/R_after the order's succeeded refunds before
  and including this one (by time): partial refunds claw back proportionally and a full refund
  takes back exactly the accrual. Refunds later than `clawback_days` after payment claw nothing.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attribution.models import (
    RebateDispute,
    RebateLedgerLine,
    RebatePolicy,
    RebateRun,
    RebateStatement,
    SettlementPeriod,
)
from shops.models import Merchant

LINE = RebateLedgerLine._meta.db_table
STATEMENT = RebateStatement._meta.db_table


def round_half_up_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up to an integer, for numerator ≥ 0 and denominator > 0
    (0.5 → 1). The SQL below computes exactly this as (2n + d) div (2d)."""
    return (2 * numerator + denominator) // (2 * denominator)


def rebate_for(*, bases_and_rates: list[tuple[int, int]]) -> int:
    """The rebate of one order for one beneficiary: round_half_up(Σ base × rate_bp / 10000)."""
    return round_half_up_div(sum(base * rate for base, rate in bases_and_rates), 10000)


# --- periods ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime


def _tz():
    return ZoneInfo(settings.TIME_ZONE)


def period_containing(*, kind: str, at: datetime) -> Period:
    """The settlement period (in the site's time zone, Asia/Shanghai) that contains `at`:
    a calendar month, or a Monday-to-Sunday week."""
    local = timezone.localtime(at, _tz())
    if kind == SettlementPeriod.WEEKLY:
        day = local.date() - timedelta(days=local.weekday())
        start = datetime(day.year, day.month, day.day, tzinfo=_tz())
        return Period(start, start + timedelta(days=7))
    start = datetime(local.year, local.month, 1, tzinfo=_tz())
    days = calendar.monthrange(local.year, local.month)[1]
    return Period(start, start + timedelta(days=days))


def previous_period(*, kind: str, at: datetime) -> Period:
    current = period_containing(kind=kind, at=at)
    return period_containing(kind=kind, at=current.start - timedelta(seconds=1))


# --- SQL helpers ----------------------------------------------------------------------------------


def _dt(value: datetime | None):
    """A datetime as the database driver expects it (SQLite stores naive UTC text)."""
    return connection.ops.adapt_datetimefield_value(value)


def _intdiv(numerator_sql: str, denominator_sql: str) -> str:
    """Integer division of non-negative integers (PostgreSQL's SUM of bigint is numeric)."""
    if connection.vendor == "postgresql":
        return f"div({numerator_sql}, {denominator_sql})"
    return f"(({numerator_sql}) / ({denominator_sql}))"


def _half_up(numerator_sql: str, denominator_sql: str) -> str:
    return _intdiv(f"2 * ({numerator_sql}) + ({denominator_sql})", f"2 * ({denominator_sql})")


def _settles(occurred_sql: str, closed_until) -> tuple[str, list]:
    if closed_until is None:
        return occurred_sql, []
    return f"CASE WHEN {occurred_sql} < %s THEN %s ELSE {occurred_sql} END", [_dt(closed_until)] * 2


def _within_days(later_sql: str, earlier_sql: str, days: int) -> str:
    if connection.vendor == "postgresql":
        return f"{later_sql} <= {earlier_sql} + make_interval(days => {int(days)})"
    return f"julianday({later_sql}) <= julianday({earlier_sql}) + {int(days)}"


def _rowcount(cursor) -> int:
    """Rows written by the last statement (Python's sqlite3 reports -1 for WITH … INSERT)."""
    if connection.vendor == "sqlite":
        cursor.execute("SELECT changes()")
        return cursor.fetchone()[0]
    return max(cursor.rowcount, 0)


def _lock_policy(merchant: Merchant, *, exclusive: bool) -> RebatePolicy:
    """Lock the merchant's policy row for the current transaction: shared by accruals (which may
    run side by side), exclusive for period closes and draft rebuilds."""
    policy = policy_for(merchant)
    if connection.vendor == "postgresql":
        mode = "UPDATE" if exclusive else "SHARE"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT closed_until FROM {RebatePolicy._meta.db_table} WHERE id = %s FOR {mode}",  # noqa: S608
                [policy.pk],
            )
    policy.refresh_from_db()
    return policy


def policy_for(merchant: Merchant) -> RebatePolicy:
    """The merchant's rebate policy (created with the defaults on first use)."""
    policy, _created = RebatePolicy.objects.get_or_create(merchant=merchant)
    return policy


# --- accrual --------------------------------------------------------------------------------------


def _accrue_sql(policy: RebatePolicy, now: datetime) -> tuple[str, list]:
    """One INSERT … SELECT for both beneficiaries: per order, Σ base × rate for the store and the
    staff rate in one pass over the lines, then one row per beneficiary (staff only when a staff
    member brought the customer). Orders that already have a line are skipped (NOT EXISTS), and
    a line that appears meanwhile is skipped by the unique constraint (ON CONFLICT DO NOTHING)."""
    settles_sql, settles_params = _settles("g.paid_at", policy.closed_until)
    excluded = RebatePolicy.excluded_products.through._meta.db_table
    columns = (
        "merchant_id, kind, beneficiary, order_id, refund_id, attribution_id, store_id, staff_id, base_fen, "
        "rate_bp, amount_fen, occurred_at, settles_at, created_at"
    )
    select = """
        SELECT g.merchant_id, 'accrual', '{ben}', g.order_id, CAST(NULL AS bigint), g.id, g.store_id, {staff}, g.base,
               CASE WHEN g.min_{ben} = g.max_{ben} THEN g.min_{ben} END,
               {amount}, g.paid_at, {settles}, %s
        FROM agg g
        WHERE {where} AND NOT EXISTS (SELECT 1 FROM {line} e
                                      WHERE e.order_id = g.order_id AND e.kind = 'accrual' AND e.beneficiary = '{ben}')
    """
    parts = []
    for ben, staff, where in (
        ("store", "NULL", "g.id IS NOT NULL"),
        ("staff", "g.staff_id", "g.staff_id IS NOT NULL"),
    ):
        parts.append(
            select.format(
                ben=ben,
                staff=staff,
                amount=_half_up(f"g.w_{ben}", "10000"),
                settles=settles_sql,
                where=where,
                line=LINE,
            )
        )
    sql = f"""
        WITH agg AS (
            SELECT a.id, a.merchant_id, a.order_id, a.store_id, a.staff_id, a.paid_at, SUM(x.base) AS base,
                   SUM(x.base * x.store_rate) AS w_store, SUM(x.base * x.staff_rate) AS w_staff,
                   MIN(x.store_rate) AS min_store, MAX(x.store_rate) AS max_store,
                   MIN(x.staff_rate) AS min_staff, MAX(x.staff_rate) AS max_staff
            FROM attribution_orderattribution a
            JOIN (
                SELECT l.order_id,
                       CASE WHEN ex.product_id IS NULL THEN l.line_total_fen - l.discount_fen ELSE 0 END AS base,
                       COALESCE(cr.store_rate_bp, %s) AS store_rate,
                       COALESCE(cr.staff_rate_bp, %s) AS staff_rate
                FROM orders_orderline l
                LEFT JOIN shops_channellisting cl ON cl.id = l.listing_id
                LEFT JOIN shops_variant v ON v.id = cl.variant_id
                LEFT JOIN shops_product p ON p.id = v.product_id
                LEFT JOIN attribution_rebatecategoryrate cr ON cr.policy_id = %s AND cr.category_id = p.category_id
                LEFT JOIN {excluded} ex ON ex.rebatepolicy_id = %s AND ex.product_id = p.id
            ) x ON x.order_id = a.order_id
            WHERE a.merchant_id = %s AND a.earns_rebate AND a.paid_at <= %s
              AND NOT EXISTS (SELECT 1 FROM {LINE} e WHERE e.order_id = a.order_id AND e.kind = 'accrual'
                              AND (e.beneficiary = 'staff' OR a.staff_id IS NULL))
            GROUP BY a.id, a.merchant_id, a.order_id, a.store_id, a.staff_id, a.paid_at
        )
        INSERT INTO {LINE} ({columns})
        {parts[0]}
        UNION ALL
        {parts[1]}
        ON CONFLICT DO NOTHING
    """  # noqa: S608 - table names are ours; values are parameters
    params = [
        policy.store_rate_bp,
        policy.staff_rate_bp,
        policy.pk,
        policy.pk,
        policy.merchant_id,
        _dt(now),
        *settles_params,
        _dt(now),
        *settles_params,
        _dt(now),
    ]
    return sql, params


def _clawback_sql(policy: RebatePolicy, now: datetime) -> tuple[str, list]:
    settles_sql, settles_params = _settles("r.succeeded_at", policy.closed_until)
    sql = f"""
        INSERT INTO {LINE} (merchant_id, kind, beneficiary, order_id, refund_id, attribution_id, store_id,
                            staff_id, base_fen, rate_bp, amount_fen, occurred_at, settles_at, created_at)
        SELECT acc.merchant_id, 'clawback', acc.beneficiary, acc.order_id, r.id, acc.attribution_id,
               acc.store_id, acc.staff_id,
               -({_half_up("acc.base_fen * r.cum_after", "r.total")} - {_half_up("acc.base_fen * r.cum_before", "r.total")}),
               acc.rate_bp,
               -({_half_up("acc.amount_fen * r.cum_after", "r.total")}
                 - {_half_up("acc.amount_fen * r.cum_before", "r.total")}),
               r.succeeded_at, {settles_sql}, %s
        FROM (
            SELECT rf.id, rf.order_id, rf.succeeded_at, o.total_fen AS total,
                   SUM(rf.amount_fen) OVER w AS cum_after,
                   SUM(rf.amount_fen) OVER w - rf.amount_fen AS cum_before
            FROM orders_refund rf
            JOIN orders_order o ON o.id = rf.order_id
            WHERE o.merchant_id = %s AND rf.status = 'succeeded' AND rf.succeeded_at IS NOT NULL
              AND o.total_fen > 0
              AND EXISTS (SELECT 1 FROM {LINE} e WHERE e.order_id = rf.order_id AND e.kind = 'accrual')
            WINDOW w AS (PARTITION BY rf.order_id ORDER BY rf.succeeded_at, rf.id)
        ) r
        JOIN {LINE} acc ON acc.order_id = r.order_id AND acc.kind = 'accrual'
        WHERE r.succeeded_at <= %s AND {_within_days("r.succeeded_at", "acc.occurred_at", policy.clawback_days)}
          AND NOT EXISTS (SELECT 1 FROM {LINE} e
                          WHERE e.refund_id = r.id AND e.kind = 'clawback' AND e.beneficiary = acc.beneficiary)
        ON CONFLICT DO NOTHING
    """  # noqa: S608
    return sql, [*settles_params, _dt(now), policy.merchant_id, _dt(now)]


def accrue(*, merchant: Merchant, now: datetime | None = None, run: RebateRun | None = None) -> int:
    """Write the ledger lines due for `merchant` up to `now`: accruals for attributed online orders
    paid by then (store and, where one brought the customer, staff), clawbacks for their refunds
    that succeeded by then within the clawback window. Returns the number of lines written.

    Guarantees: one transaction; set-based; running it twice, or two at once, writes each line
    once (NOT EXISTS + ON CONFLICT DO NOTHING on the uniqueness constraints); lines settle no
    earlier than the end of the last closed period (the policy row is share-locked, so a period
    close waits for running accruals and vice versa)."""
    now = now or timezone.now()
    written = 0
    with transaction.atomic():
        policy = _lock_policy(merchant, exclusive=False)
        steps = [
            (_("accruals"), _accrue_sql(policy, now)),
            (_("clawbacks"), _clawback_sql(policy, now)),
        ]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Per-order aggregation of a month of lines sorts in memory instead of on disk.
                cursor.execute("SET LOCAL work_mem = '128MB'")
                # Accrual is recomputable: a crash right after commit loses nothing a rerun won't
                # redo, so the commit need not wait for the WAL flush.
                cursor.execute("SET LOCAL synchronous_commit = off")
            for name, (sql, params) in steps:
                cursor.execute(sql, params)
                count = _rowcount(cursor)
                written += count
                if run is not None:
                    _progress(run, step=name, advance=1, lines=count)
    return written


# --- statements -----------------------------------------------------------------------------------


def _statements_sql(
    *, policy: RebatePolicy, period: Period, lines_from, lines_until, status: str, now: datetime
) -> tuple[str, list]:
    total = "(g.s + g.cin)"
    pays = f"{total} >= %s AND {total} > 0"
    lower = "AND l.settles_at >= %s" if lines_from is not None else ""
    sql = f"""
        INSERT INTO {STATEMENT} (merchant_id, period_start, period_end, lines_from, lines_until, beneficiary,
                                 store_id, staff_id, status, line_count, lines_total_fen, carried_in_fen,
                                 total_fen, payable_fen, carried_out_fen, created_at, finalized_at)
        SELECT %s, %s, %s, %s, %s, g.beneficiary, g.store_id, g.staff_id, %s, g.n, g.s, g.cin, {total},
               CASE WHEN {pays} THEN {total} ELSE 0 END,
               CASE WHEN {pays} THEN 0 ELSE {total} END,
               %s, %s
        FROM (
            SELECT l.beneficiary, l.store_id, l.staff_id, COUNT(*) AS n, SUM(l.amount_fen) AS s,
                   COALESCE((SELECT p.carried_out_fen FROM {STATEMENT} p
                             WHERE p.merchant_id = %s AND p.status IN ('final', 'paid')
                               AND p.beneficiary = l.beneficiary AND p.store_id = l.store_id
                               AND COALESCE(p.staff_id, 0) = COALESCE(l.staff_id, 0)
                             ORDER BY p.period_start DESC LIMIT 1), 0) AS cin
            FROM {LINE} l
            WHERE l.merchant_id = %s {lower} AND l.settles_at < %s
            GROUP BY l.beneficiary, l.store_id, l.staff_id
        ) g
        WHERE g.n > 0
    """  # noqa: S608
    minimum = policy.minimum_payout_fen
    params = [
        policy.merchant_id,
        _dt(period.start),
        _dt(period.end),
        _dt(lines_from),
        _dt(lines_until),
        status,
        minimum,
        minimum,
        _dt(now),
        _dt(now) if status == RebateStatement.Status.FINAL else None,
        policy.merchant_id,
        policy.merchant_id,
        *([_dt(lines_from)] if lines_from is not None else []),
        _dt(lines_until),
    ]
    return sql, params


def refresh_drafts(*, merchant: Merchant, now: datetime | None = None) -> int:
    """Recompute the draft statements of the open period (lines settled since the last close up to
    the end of the period containing `now`). Final statements are never touched. Returns the
    number of drafts written."""
    now = now or timezone.now()
    with transaction.atomic():
        policy = _lock_policy(merchant, exclusive=True)
        period = period_containing(kind=policy.period, at=max(now, policy.closed_until or now))
        RebateStatement.objects.filter(merchant=merchant, status=RebateStatement.Status.DRAFT).delete()
        sql, params = _statements_sql(
            policy=policy,
            period=period,
            lines_from=policy.closed_until,
            lines_until=period.end,
            status=RebateStatement.Status.DRAFT,
            now=now,
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return max(cursor.rowcount, 0)


def close_period(
    *, merchant: Merchant, period_start: datetime, now: datetime | None = None, run: RebateRun | None = None
) -> list[RebateStatement]:
    """Make the final statements of the settlement period that starts at `period_start`.

    Each store and staff member with ledger lines settling since the last close and before the
    period's end gets one final statement (carry-in from their previous final statement, minimum
    payout applied); the merchant's `closed_until` moves to the period's end, so lines written
    afterwards (a refund after the close) settle in the next period.

    Guarantees: one transaction under the policy row lock, so a killed worker leaves nothing and
    two closes at once serialise; closing an already closed period changes nothing and returns
    its statements; a period that has not ended yet cannot be closed (ValidationError).
    """
    now = now or timezone.now()
    with transaction.atomic():
        policy = _lock_policy(merchant, exclusive=True)
        period = period_containing(kind=policy.period, at=period_start)
        if period.end > now:
            raise ValidationError(_("This period has not ended yet."))
        finals = RebateStatement.objects.filter(merchant=merchant, period_start=period.start).exclude(
            status=RebateStatement.Status.DRAFT
        )
        if policy.closed_until is not None and policy.closed_until >= period.end:
            return list(finals)
        # Drafts are previews computed from the old boundary; the next accrual run rebuilds them.
        RebateStatement.objects.filter(merchant=merchant, status=RebateStatement.Status.DRAFT).delete()
        sql, params = _statements_sql(
            policy=policy,
            period=period,
            lines_from=policy.closed_until,
            lines_until=period.end,
            status=RebateStatement.Status.FINAL,
            now=now,
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            written = max(cursor.rowcount, 0)
        RebatePolicy.objects.filter(pk=policy.pk).update(closed_until=period.end)
        if run is not None:
            _progress(run, step=_("statements"), advance=1, statements=written)
        statements = list(finals)
        _announce_final(merchant, statements)
    return statements


def _announce_final(merchant: Merchant, statements: list[RebateStatement]) -> None:
    """Webhook events for new final statements go out from a task after the close commits
    (one event per statement; thousands of them must not lengthen the close's transaction)."""
    ids = [statement.pk for statement in statements]
    if ids:
        from attribution.tasks import announce_statements

        transaction.on_commit(lambda: announce_statements.delay(ids))


def announce_statements(*, statement_ids: list[int]) -> int:
    """Emit `statement.finalized` for each final statement (each in its own transaction)."""
    try:
        from shops.events import emit
    except ImportError:  # pragma: no cover
        return 0
    count = 0
    for statement in RebateStatement.objects.filter(pk__in=statement_ids).exclude(status="draft"):
        with transaction.atomic():
            emit(
                merchant=statement.merchant,
                type="statement.finalized",
                data={
                    "statement_id": statement.pk,
                    "beneficiary": statement.beneficiary,
                    "store_id": statement.store_id,
                    "staff_id": statement.staff_id,
                    "period_start": statement.period_start,
                    "period_end": statement.period_end,
                    "total_fen": statement.total_fen,
                    "payable_fen": statement.payable_fen,
                    "carried_out_fen": statement.carried_out_fen,
                },
            )
        count += 1
    return count


def mark_statement_paid(*, statement: RebateStatement, actor=None) -> RebateStatement:
    """final → paid (the brand has paid it). A draft cannot be paid; paying twice changes nothing."""
    with transaction.atomic():
        statement = RebateStatement.objects.select_for_update().get(pk=statement.pk)
        if statement.status == RebateStatement.Status.DRAFT:
            raise ValidationError(_("Only a final statement can be marked paid."))
        if statement.status == RebateStatement.Status.FINAL:
            statement.status = RebateStatement.Status.PAID
            statement.paid_at = timezone.now()
            statement.paid_by = actor
            statement.save(update_fields=["status", "paid_at", "paid_by"])
    return statement


# --- disputes -------------------------------------------------------------------------------------


def dispute_line(*, line: RebateLedgerLine, comment: str, user=None) -> RebateDispute:
    """A store or staff member questions one ledger line; the brand is to answer."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Say what is wrong with this line."))
    return RebateDispute.objects.create(
        merchant_id=line.merchant_id, line=line, comment=comment, raised_by=user
    )


def answer_dispute(*, dispute: RebateDispute, answer: str, user=None) -> RebateDispute:
    """The brand answers a dispute (answering again replaces the answer)."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError(_("Write an answer."))
    with transaction.atomic():
        dispute = RebateDispute.objects.select_for_update().get(pk=dispute.pk)
        dispute.answer, dispute.answered_by, dispute.answered_at = answer, user, timezone.now()
        dispute.status = RebateDispute.Status.ANSWERED
        dispute.save(update_fields=["answer", "answered_by", "answered_at", "status"])
    return dispute


# --- runs (what the Celery tasks call) -----------------------------------------------------------


def _progress(run: RebateRun, *, step: str, advance: int = 0, lines: int = 0, statements: int = 0) -> None:
    run.step = step[:60]
    run.steps_done += advance
    run.lines_created += lines
    run.statements_written += statements
    run.heartbeat_at = timezone.now()
    RebateRun.objects.filter(pk=run.pk).update(
        step=run.step,
        steps_done=run.steps_done,
        lines_created=run.lines_created,
        statements_written=run.statements_written,
        heartbeat_at=run.heartbeat_at,
    )


def _finish(run: RebateRun, *, error: str = "") -> None:
    run.status = RebateRun.Status.FAILED if error else RebateRun.Status.DONE
    run.error = error
    run.finished_at = timezone.now()
    RebateRun.objects.filter(pk=run.pk).update(status=run.status, error=error, finished_at=run.finished_at)


def run_accrual(*, merchant: Merchant, now: datetime | None = None) -> RebateRun:
    """One recorded accrual run: ledger lines, then the open period's drafts."""
    run = RebateRun.objects.create(merchant=merchant, kind=RebateRun.Kind.ACCRUE, steps_total=3)
    try:
        accrue(merchant=merchant, now=now, run=run)
        drafts = refresh_drafts(merchant=merchant, now=now)
        _progress(run, step=_("draft statements"), advance=1, statements=drafts)
    except Exception as error:
        _finish(run, error=repr(error))
        raise
    _finish(run)
    return run


def run_close(
    *, merchant: Merchant, period_start: datetime | None = None, now: datetime | None = None
) -> RebateRun:
    """One recorded close: accrue what is due, then close the period (the previous one by default)."""
    now = now or timezone.now()
    policy = policy_for(merchant)
    if period_start is None:
        period_start = previous_period(kind=policy.period, at=now).start
    run = RebateRun.objects.create(
        merchant=merchant, kind=RebateRun.Kind.CLOSE, steps_total=3, period_start=period_start
    )
    try:
        accrue(merchant=merchant, now=now, run=run)
        close_period(merchant=merchant, period_start=period_start, now=now, run=run)
    except Exception as error:
        _finish(run, error=repr(error))
        raise
    _finish(run)
    return run


def merchants_with_rebates():
    return Merchant.objects.filter(rebate_policy__isnull=False, status=Merchant.Status.ACTIVE)
