"""The ledger's writes, re-exported from ``ledger.ingest`` (where each lives, one concern a
module) for the callers that import them from here."""

from __future__ import annotations

from ledger.ingest.aggregate import recompute_rollup, recompute_stats, rollup_units_moved
from ledger.ingest.batches import (
    import_batch_run,
    import_confirm_channel,
    import_enqueue,
    read_progress,
    write_progress,
)
from ledger.ingest.channels import can_confirm_channel, can_import_to
from ledger.ingest.forms import (
    monthly_form_approve,
    monthly_form_lock,
    monthly_form_return,
    monthly_form_save,
    monthly_form_submit,
    monthly_form_unlock,
)
from ledger.ingest.imports import Origin, Part, import_file, ingest_many, ingest_rows
from ledger.ingest.plan import TZ, local_today, month_half
from ledger.ingest.result import ImportRefused, ImportResult
from ledger.ingest.upsert import PostInput, posts_upsert, posts_upsert_many

__all__ = [
    "TZ",
    "ImportRefused",
    "ImportResult",
    "Origin",
    "Part",
    "PostInput",
    "can_confirm_channel",
    "can_import_to",
    "import_batch_run",
    "import_confirm_channel",
    "import_enqueue",
    "import_file",
    "ingest_many",
    "ingest_rows",
    "local_today",
    "month_half",
    "monthly_form_approve",
    "monthly_form_lock",
    "monthly_form_return",
    "monthly_form_save",
    "monthly_form_submit",
    "monthly_form_unlock",
    "posts_upsert",
    "posts_upsert_many",
    "read_progress",
    "recompute_rollup",
    "recompute_stats",
    "rollup_units_moved",
    "write_progress",
]
