"""Statements are named by their local (Asia/Shanghai) period start, not the UTC instant."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from attribution.models_rebates import RebateStatement
from tests import factories

pytestmark = pytest.mark.django_db


def test_statement_title_uses_the_local_first_day_of_the_period():
    store = factories.StoreFactory(name="静安寺店")
    november = datetime(2026, 11, 1, tzinfo=ZoneInfo("Asia/Shanghai"))  # 2026-10-31 16:00 UTC
    statement = RebateStatement(
        merchant=store.merchant, store=store, beneficiary="store", period_start=november
    )
    assert str(statement) == "静安寺店 · 2026-11-01"
