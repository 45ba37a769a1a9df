"""Hypothesis: mutated export rows never crash an import; every row stays accounted."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.models import ImportBatch, Post
from ledger.services import ImportRefused, import_file
from ledger.tests.factories import SHARED, make_channel

SOURCE = SHARED / "meta_posts_en.csv"
CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["-5", "1.5", "1,234", "undefined", "", "1e9", "NaN", "99999999999999999999"]),
    st.integers(min_value=-10, max_value=10**6).map(str),
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_mutated_rows_are_accounted(world: Any, tmp_path: Path, data: Any) -> None:
    if not SOURCE.exists():
        return
    # Each example runs in its own transaction, rolled back: nothing leaks to the next.
    with transaction.atomic():
        channel = make_channel(world.commune_a, "facebook", "mut", external_id="100064812345678")
        rows = list(csv.reader(io.StringIO(SOURCE.read_text(encoding="utf-8-sig"))))
        header, body = rows[0], [list(r) for r in rows[1:]]
        for _ in range(data.draw(st.integers(1, 6))):
            r = data.draw(st.integers(0, len(body) - 1))
            c = data.draw(st.integers(0, len(header) - 1))
            body[r][c] = data.draw(CELLS)
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows([header, *body])
        path = tmp_path / "mutated.csv"
        path.write_text(buf.getvalue(), encoding="utf-8-sig")
        try:
            result = import_file(
                acting_user=None,
                path=path,
                filename=path.name,
                channel=channel,
                confirm_channel=True,
                today=date(2026, 3, 1),
            )
        except ImportRefused as exc:
            assert exc.message
            assert not Post.objects.filter(channel=channel).exists()
        else:
            assert result.rows_read == result.accepted + result.rejected
            assert len(result.errors) == result.rejected
            assert result.batch is not None
            batch = ImportBatch.objects.get(pk=result.batch)
            assert batch.rejections.count() == result.rejected
            assert Post.objects.filter(channel=channel).count() == result.posts_created
        transaction.set_rollback(True)
