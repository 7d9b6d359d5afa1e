"""scripts/env-file.sh, through scripts/manage: an env file is read the way systemd reads it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOW = (
    "import os; from django.conf import settings; "
    "print(settings.SECRET_KEY); print(os.environ['NIGHTLEG_PROBE'])"
)


def _manage(env_file: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    return subprocess.run(
        ["scripts/manage", *args, *(["--no-imports"] if args[0] == "shell" else [])],
        cwd=ROOT,
        env=keep | {"NIGHTLEG_ENV_FILE": str(env_file)} | env,
        capture_output=True,
        text=True,
    )


def test_values_are_taken_literally_and_quotes_removed(tmp_path):
    env_file = tmp_path / "nightleg.env"
    env_file.write_text(
        "# a comment\n"
        "\n"
        "DJANGO_DEBUG=1\n"
        "DJANGO_SECRET_KEY='k$HOME`touch pwned`;&(x)'\n"
        '  NIGHTLEG_PROBE="Nightleg <n@example.org> $PATH"\n'
    )
    result = _manage(env_file, "shell", "-c", SHOW)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "k$HOME`touch pwned`;&(x)",
        "Nightleg <n@example.org> $PATH",
    ]
    assert not (ROOT / "pwned").exists()
    assert f"Reading settings from {env_file}" in result.stderr


def test_the_environment_wins_over_the_file(tmp_path):
    env_file = tmp_path / "nightleg.env"
    env_file.write_text("DJANGO_DEBUG=1\nDJANGO_SECRET_KEY=from-file\nNIGHTLEG_PROBE=from-file\n")
    result = _manage(env_file, "shell", "-c", SHOW, NIGHTLEG_PROBE="from-environment")
    assert result.stdout.splitlines() == ["from-file", "from-environment"], result.stderr


def test_a_line_that_is_not_key_value_stops_it(tmp_path):
    env_file = tmp_path / "nightleg.env"
    env_file.write_text("DJANGO_DEBUG=1\nexport THING\n")
    result = _manage(env_file, "check")
    assert result.returncode == 2
    assert "line 2 is not KEY=VALUE" in result.stderr
