"""Pure helpers for what a request says about its sender, and what a log may keep of it."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Collection

# /accounts/reset/<uidb64>/<token>/: the token signs its holder in as that person (for
# days) until the password is changed, so it must not sit in an access log. The page it
# redirects to, /accounts/reset/<uidb64>/set-password/, carries no secret.
_RESET_TOKEN = re.compile(r"(/accounts/reset/[^/\s]+/)(?!set-password/)[^/\s?]+")
# /s/<token>/: a clinician's read-only link opens a summary of the person's diary to
# whoever holds it (journal.sharing). Any path segment after /s/ is hidden, a mistyped or
# guessed one too: over-hiding costs nothing.
_SHARE_TOKEN = re.compile(r"(/s/)[^/\s?#]+")


def is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def client_address(remote_addr: str, forwarded_for: str, trusted_proxies: Collection[str]) -> str:
    """The address a request came from.

    When it arrives from one of our trusted proxies, the proxy has put the address it saw
    last in X-Forwarded-For (earlier entries are whatever the client chose to send). From
    anywhere else the header is the client's own claim, and is ignored.
    """
    if remote_addr in trusted_proxies:
        last = forwarded_for.rsplit(",", 1)[-1].strip()
        if is_ip(last):
            return last
    return remote_addr or "unknown"


def hide_secrets(text: str) -> str:
    """A request line, path or URL with any password-reset or share token replaced by ***."""
    return _SHARE_TOKEN.sub(r"\1***", _RESET_TOKEN.sub(r"\1***", text))
