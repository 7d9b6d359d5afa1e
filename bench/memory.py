"""Peak memory of streaming one person's CSV export, measured in a process of its own.

    NIGHTLEG_BENCH_DB=... DJANGO_SETTINGS_MODULE=bench.settings python -m bench.memory USERNAME

Method: start Django, sign the person in, and stream a one-night export of both files
so that every module, template and query path is loaded. Then reset the kernel's
peak-RSS mark (writing 5 to /proc/self/clear_refs sets VmHWM back to the current RSS),
stream the person's whole export, both files, reading and discarding each chunk as a
client would, and read VmHWM again. The growth is the most memory the export itself
added at any moment. Run once per size, each in a fresh process, so that neither run
inherits the other's heap. Prints JSON (kilobytes).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

STATUS = Path("/proc/self/status")


def _status_kb(field: str) -> int:
    for line in STATUS.read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def _stream(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.streaming, url
    size = sum(len(chunk) for chunk in response.streaming_content)
    response.close()
    return size


def main(username: str) -> dict:
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.test import Client

    from journal.models import Night

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    day = Night.objects.for_user(user).order_by("date").values_list("date", flat=True)[0]
    for kind in ("nights", "episodes"):
        _stream(client, f"/export/{kind}.csv?start={day}&end={day}")

    Path("/proc/self/clear_refs").write_text("5")
    before = _status_kb("VmRSS")
    size = sum(_stream(client, f"/export/{kind}.csv") for kind in ("nights", "episodes"))
    peak = _status_kb("VmHWM")
    return {
        "username": username,
        "nights": Night.objects.for_user(user).count(),
        "bytes": size,
        "rss_before_kb": before,
        "peak_kb": peak,
        "growth_kb": peak - before,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
