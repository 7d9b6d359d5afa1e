"""Deployment checks of our own, run by `manage.py check --deploy`."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def mail_server(app_configs, **kwargs) -> list[Warning]:
    if settings.PASSWORD_RESET_BY_MAIL:
        return []
    return [
        Warning(
            "No mail server is configured (EMAIL_HOST), so password reset is off: the "
            "reset page tells people so, and no reset link is written anywhere.",
            hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD).",
            id="nightleg.W001",
        )
    ]
