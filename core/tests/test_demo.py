"""`make demo` seeds the whole demo province through the services, every step of it.

The registry refuses look-alike channels without a reason, the ledger refuses a row of a
channel that is not verified: a demo step that forgets a rule stops `make demo` on a fresh
machine, which no other test would notice.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_seed_demo_builds_the_province_and_runs_again_without_change() -> None:
    from ledger.models import Post
    from registry.models import Channel
    from units.models import Unit

    out = io.StringIO()
    call_command("seed_demo", "--province", "22", "--months", "1", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["units"] == Unit.objects.count() > 60
    assert Channel.objects.count() >= summary["channels"]["total"] > 100
    assert Channel.objects.filter(status=Channel.Status.VERIFIED).count() > 80
    assert Post.objects.exists()
    assert "baocao" in " ".join(summary["users"])

    counts = (Unit.objects.count(), Channel.objects.count())
    call_command("seed_demo", "--province", "22", "--months", "1", "--json", stdout=io.StringIO())
    assert (Unit.objects.count(), Channel.objects.count()) == counts
