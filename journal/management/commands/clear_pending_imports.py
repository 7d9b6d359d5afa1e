"""Delete uploads that waited longer than a day for their preview to be confirmed.

Run nightly next to `clearsessions` (deploy/nightleg-maintenance.service): an upload
holds a journal's health data, and one nobody came back to should not stay on the server.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from journal.models import PendingImport


class Command(BaseCommand):
    help = "Delete imports that were uploaded over a day ago and never confirmed."

    def handle(self, *args, **options) -> None:
        deleted, _ = PendingImport.objects.expired().delete()
        self.stdout.write(f"Deleted {deleted} expired pending import(s).")
