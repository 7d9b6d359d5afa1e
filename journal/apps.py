from __future__ import annotations

from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "journal"
    verbose_name = "Journal"

    def ready(self) -> None:
        from journal import (
            auth,  # noqa: F401 -- connects the sign-in log's receivers
            checks,  # noqa: F401 -- registers the deployment checks
        )
