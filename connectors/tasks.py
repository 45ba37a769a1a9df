"""Background work of the connectors (django-tasks database worker): a sync on demand."""

from __future__ import annotations

from django_tasks import task


@task()
def sync_channel(channel_id: int) -> None:
    from connectors import sync
    from registry.models import Channel

    sync.run(channels=[Channel.objects.get(pk=channel_id)])
