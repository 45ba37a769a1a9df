import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_suite_runs_on_the_database_ci_asked_for() -> None:
    """CI sets BANTIN_EXPECT_DB, so a PostgreSQL run can never fall back to SQLite silently."""
    expected = os.environ.get("BANTIN_EXPECT_DB")
    if expected is None:
        pytest.skip("BANTIN_EXPECT_DB not set (only CI sets it)")
    assert connection.vendor == expected
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 10000
