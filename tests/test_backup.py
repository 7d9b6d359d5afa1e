"""manage.py backup and restore: a consistent copy while people write, and the way back."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Count
from django.db.utils import load_backend
from django.test import Client

from journal.management.commands.backup import (
    PG_ARCHIVE_HEADER,
    SQLITE_HEADER,
    pg_connection_args,
)
from journal.models import CrampEpisode, Night, PendingImport, Profile
from tests.conftest import make_episode, make_night, make_user

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's backup API; PostgreSQL uses pg_dump"
)
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump and pg_restore; SQLite has its own test"
)
_PG_TOOLS_MISSING = connection.vendor == "postgresql" and not all(
    shutil.which(tool) for tool in ("pg_dump", "pg_restore")
)
needs_pg_tools = pytest.mark.skipif(
    _PG_TOOLS_MISSING, reason="pg_dump and pg_restore are not installed"
)


def _backup(path: Path, **options) -> str:
    out = io.StringIO()
    call_command("backup", str(path), stdout=out, **options)
    return out.getvalue()


def _restore(path: Path, **options) -> str:
    out = io.StringIO()
    call_command("restore", str(path), stdout=out, **options)
    return out.getvalue()


def _rows(model, **filters) -> list[tuple]:
    """Every stored value of every row, in primary-key order."""
    fields = [f.attname for f in model._meta.concrete_fields]
    return list(model.objects.filter(**filters).order_by("pk").values_list(*fields))


def _everything() -> dict[str, list[tuple]]:
    return {m.__name__: _rows(m) for m in (User, Profile, Night, CrampEpisode)}


def _make_journal() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    first = make_night(alice, "2026-11-18", stretch_minutes=10, notes="Stretched for once.")
    make_episode(first, at=dt.time(3, 10))
    make_episode(first, muscle="foot", side="right", severity=7, woke_me=True)
    make_episode(make_night(alice, "2026-11-19", bedtime=dt.time(22, 30)), severity=2)
    make_episode(make_night(bob, "2026-11-19", alcohol_drinks="1.5"), side="both")


class _Terminal(io.StringIO):
    """Someone at a terminal, typing the given answer."""

    def isatty(self) -> bool:
        return True


# --- Backup and restore on whichever database the suite runs on --------------------


@needs_pg_tools
def test_a_restore_brings_back_exactly_the_rows_of_the_backup(transactional_db, tmp_path):
    _make_journal()
    backed_up = _everything()

    output = _backup(tmp_path / "nightleg.backup")

    assert f"Wrote {tmp_path / 'nightleg.backup'}" in output
    if connection.vendor == "sqlite":
        assert "users: 2, nights: 3, cramp episodes: 4" in output
    Night.objects.filter(date="2026-11-18").update(notes="changed after the backup")
    Night.objects.filter(date="2026-11-19", user__username="alice").delete()
    User.objects.filter(username="bob").delete()
    make_night(User.objects.get(username="alice"), "2026-11-20")

    output = _restore(tmp_path / "nightleg.backup", yes=True)

    assert "users: 2, nights: 3, cramp episodes: 4" in output
    assert _everything() == backed_up


@needs_pg_tools
def test_sessions_and_waiting_imports_are_left_out_of_a_backup(transactional_db, tmp_path):
    _make_journal()
    signed_in = Client()
    signed_in.force_login(User.objects.get(username="alice"))
    session_key = signed_in.session.session_key
    PendingImport.objects.create(
        user=User.objects.get(username="bob"), token_hash="x", nights="a private note", names=[]
    )
    backed_up = _everything()

    _backup(tmp_path / "nightleg.backup")
    if connection.vendor == "sqlite":
        raw = (tmp_path / "nightleg.backup").read_bytes()
        assert session_key.encode() not in raw
        assert b"a private note" not in raw
    _restore(tmp_path / "nightleg.backup", yes=True)

    assert _everything() == backed_up
    assert not Session.objects.exists()
    assert not PendingImport.objects.exists()
    assert signed_in.get("/nights/").status_code == 302, "the session no longer works"


@pytest.mark.django_db
def test_it_refuses_to_overwrite_an_existing_file(tmp_path):
    target = tmp_path / "nightleg.backup"
    target.write_text("last week's backup")

    with pytest.raises(CommandError, match="already exists; pass --force"):
        _backup(target)

    assert target.read_text() == "last week's backup"


@needs_pg_tools
@pytest.mark.django_db(transaction=True)
def test_with_force_it_replaces_the_file_and_leaves_nothing_else(tmp_path):
    target = tmp_path / "nightleg.backup"
    target.write_text("last week's backup")

    _backup(target, force=True)

    header = SQLITE_HEADER if connection.vendor == "sqlite" else PG_ARCHIVE_HEADER
    assert target.read_bytes().startswith(header)
    assert [p.name for p in tmp_path.iterdir()] == ["nightleg.backup"]
    # Health data: the copy is for its owner's eyes only.
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@sqlite_only
def test_it_will_not_write_over_the_live_database(tmp_path):
    live = tmp_path / "live.sqlite3"
    with _using(live), pytest.raises(CommandError, match="the live database itself"):
        _backup(live, force=True)


# --- Restore refuses what it should --------------------------------------------------


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_database(tmp_path):
    make_night(make_user("alice"))
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n" * 100)

    with pytest.raises(CommandError, match="is not"):
        _restore(notes, yes=True)

    assert Night.objects.count() == 1


@sqlite_only
@pytest.mark.django_db
def test_restore_refuses_an_sqlite_database_that_is_not_a_nightleg_backup(tmp_path):
    make_night(make_user("alice"))
    other = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(other)) as db:
        db.execute("CREATE TABLE recipes (name TEXT)")

    with pytest.raises(CommandError, match="not a Nightleg backup: it has no auth_user"):
        _restore(other, yes=True)

    assert Night.objects.count() == 1


@needs_pg_tools
@pytest.mark.django_db(transaction=True)
def test_restore_without_yes_refuses_and_changes_nothing(tmp_path):
    make_night(make_user("alice"))
    _backup(tmp_path / "nightleg.backup")
    Night.objects.all().delete()

    # Not a terminal (cron, a script, this test run): nobody to ask.
    with pytest.raises(CommandError, match="pass --yes to confirm"):
        _restore(tmp_path / "nightleg.backup", stdin=io.StringIO())
    # At a terminal, anything but "yes" cancels.
    with pytest.raises(CommandError, match="cancelled"):
        _restore(tmp_path / "nightleg.backup", stdin=_Terminal("y\n"))

    assert Night.objects.count() == 0
    output = _restore(tmp_path / "nightleg.backup", stdin=_Terminal("yes\n"))
    assert "Type 'yes' to continue" in output
    assert Night.objects.count() == 1


# --- A backup taken while someone keeps writing ---------------------------------------


@contextmanager
def _using(database: Path | str, **options) -> Iterator[None]:
    """Point this thread's default connection at another database: a SQLite file's path,
    or the name of a PostgreSQL database on the test server.

    Django keeps one connection per alias per thread, so the swap is seen only by the
    thread that makes it: the test database of other tests is untouched. The connection
    has the project's OPTIONS (WAL, busy timeout...) unless options overrides some.
    """
    original = connections[DEFAULT_DB_ALIAS]
    settings_dict = {
        **original.settings_dict,
        "NAME": str(database),
        "OPTIONS": {**original.settings_dict["OPTIONS"], **options},
    }
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict)
    connections[DEFAULT_DB_ALIAS] = wrapper
    try:
        yield
    finally:
        wrapper.close()
        connections[DEFAULT_DB_ALIAS] = original
        ContentType.objects.clear_cache()  # its ids came from the file


_FIRST_DATE = dt.date(2000, 1, 1)


def _episodes_on(i: int) -> int:
    return 1 + i % 3


class _Writer(threading.Thread):
    """Logs night after night, each with its episodes in one transaction, until stopped."""

    def __init__(self, database: Path | str, username: str, options: dict) -> None:
        super().__init__(daemon=True)
        self.database, self.username, self.options = database, username, options
        self.written = 0
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            # Its own connection, as another web worker would have.
            with _using(self.database, **self.options):
                user = User.objects.get(username=self.username)
                while not self.stop.is_set():
                    with transaction.atomic():
                        night = make_night(
                            user, _FIRST_DATE + dt.timedelta(days=self.written), notes="night"
                        )
                        for severity in range(_episodes_on(self.written)):
                            make_episode(night, severity=severity)
                    self.written += 1
        except BaseException as exc:
            self.error = exc

    def wait_for(self, nights: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.written < nights:
            assert self.error is None, self.error
            assert time.monotonic() < deadline, f"only {self.written} nights written"
            time.sleep(0.002)


def _back_up_during_writes_and_restore(
    live: Path | str, fresh: Path | str, backup: Path, **options
) -> None:
    """Back up live while another connection keeps writing, restore into fresh, compare.

    live and fresh are new, empty databases (SQLite files or PostgreSQL databases); live is
    migrated as a new install would be, and this thread and the writer thread each point
    their own default connection at it: two connections to one database, as two web
    workers have. The writer logs nights in date order, each with its episodes in one
    transaction, and never changes a row once written, so the rows "of the moment of the
    backup" are the first k nights with all their episodes, for a k between the count just
    before the backup and the count just after it. The restore into fresh, as on a
    replacement server, must bring back exactly those rows.
    """
    with _using(live, **options):
        call_command("migrate", verbosity=0)
        make_user("alice")
        writer = _Writer(live, "alice", options)
        writer.start()
        try:
            writer.wait_for(nights=20)
            before = Night.objects.count()
            _backup(backup)
            after = Night.objects.count()
            writer.wait_for(nights=after + 10)  # the backup did not stop the writer
        finally:
            writer.stop.set()
            writer.join()
        assert writer.error is None, writer.error

    with _using(fresh):
        _restore(backup, yes=True)
        restored = _everything()
        episodes = dict(
            Night.objects.order_by("date").annotate(n=Count("episodes")).values_list("date", "n")
        )
    dates = list(episodes)
    k = len(dates)
    assert before <= k <= after
    expected = [_FIRST_DATE + dt.timedelta(days=i) for i in range(k)]
    assert dates == expected  # no night missing from the middle
    assert list(episodes.values()) == [_episodes_on(i) for i in range(k)]

    with _using(live, **options):
        at_the_moment = {
            "User": _rows(User),
            "Profile": _rows(Profile),
            "Night": _rows(Night, date__lte=expected[-1]),
            "CrampEpisode": _rows(CrampEpisode, night__date__lte=expected[-1]),
        }
    assert restored == at_the_moment


@sqlite_only
@pytest.mark.parametrize(
    "options",
    [{}, {"init_command": "PRAGMA journal_mode=DELETE"}],
    ids=["project-settings", "rollback-journal"],
)
def test_a_backup_taken_during_writes_is_a_snapshot_of_one_moment(
    transactional_db, tmp_path, options
):
    """SQLite's backup API, from a file database next to a writer.

    The test database is in memory, and SQLite's in-memory databases are private to one
    connection (or, in shared-cache mode, locked table by table rather than as a file), so
    they cannot show how the backup behaves next to a real writer: the databases here are
    files in tmp_path. It runs with the project's settings (WAL: the writer carries on
    while the backup reads, and a copy of the file alone would miss what is still in the
    WAL) and again with SQLite's default rollback journal (the writer waits for the read).
    """
    backup = tmp_path / "backup"
    _back_up_during_writes_and_restore(
        tmp_path / "live.sqlite3", tmp_path / "new.sqlite3", backup, **options
    )

    with closing(sqlite3.connect(backup)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file


@pytest.fixture
def two_new_pg_databases(transactional_db) -> Iterator[tuple[str, str]]:
    """Two new, empty databases on the test server: the live one, and one to restore into."""
    names = tuple(f"{connection.settings_dict['NAME']}_{role}" for role in ("live", "new"))
    quoted = [connection.ops.quote_name(name) for name in names]
    with connection.cursor() as cursor:
        for name in quoted:
            cursor.execute(f"DROP DATABASE IF EXISTS {name}")
            cursor.execute(f"CREATE DATABASE {name}")
    try:
        yield names
    finally:
        with connection.cursor() as cursor:
            for name in quoted:
                cursor.execute(f"DROP DATABASE IF EXISTS {name}")


@postgresql_only
@needs_pg_tools
def test_a_pg_dump_taken_during_writes_restores_one_moment(two_new_pg_databases, tmp_path):
    """pg_dump reads one snapshot, however busy the writer; pg_restore brings it back."""
    live, fresh = two_new_pg_databases
    backup = tmp_path / "nightleg.dump"

    _back_up_during_writes_and_restore(live, fresh, backup)

    assert backup.read_bytes().startswith(PG_ARCHIVE_HEADER)


# --- PostgreSQL: pg_dump and pg_restore ------------------------------------------------


def test_on_postgresql_without_pg_dump_it_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(connection, "vendor", "postgresql")
    monkeypatch.setattr("shutil.which", lambda name: None)

    with pytest.raises(CommandError, match=r"pg_dump \(from the PostgreSQL client tools"):
        _backup(tmp_path / "nightleg.dump")

    assert list(tmp_path.iterdir()) == []


def test_on_postgresql_without_pg_restore_it_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(connection, "vendor", "postgresql")
    monkeypatch.setattr("shutil.which", lambda name: None)
    (tmp_path / "nightleg.dump").write_bytes(b"PGDMP...")

    with pytest.raises(CommandError, match="pg_restore"):
        _restore(tmp_path / "nightleg.dump", yes=True)


def test_pg_tools_get_the_password_through_the_environment_only():
    args, env = pg_connection_args(
        {
            "NAME": "nightleg",
            "USER": "nightleg",
            "PASSWORD": "s3cret",
            "HOST": "db.internal",
            "PORT": 5433,
            "OPTIONS": {"sslmode": "require"},
        }
    )

    assert args == [
        "--no-password",
        "--host=db.internal",
        "--port=5433",
        "--username=nightleg",
        "--dbname=nightleg",
    ]
    assert env == {"PGPASSWORD": "s3cret", "PGSSLMODE": "require"}


def test_on_postgresql_backup_runs_pg_dump_with_a_custom_format_archive(monkeypatch, tmp_path):
    """A stand-in pg_dump on the PATH records how it was called, in the file it writes."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "pg_dump"
    fake.write_text(
        "#!/bin/sh\n"
        'for a in "$@"; do case "$a" in --file=*) out="${a#--file=}";; esac; done\n'
        'printf "PGDMP\\n%s\\n" "$*" > "$out"\n'
        'printf "PGPASSWORD=%s\\n" "$PGPASSWORD" >> "$out"\n'
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir), prepend=":")
    monkeypatch.setattr(connection, "vendor", "postgresql")
    monkeypatch.setitem(connection.settings_dict, "PASSWORD", "s3cret")
    target = tmp_path / "nightleg.dump"

    output = _backup(target)

    assert "PostgreSQL: running" in output
    assert f"Wrote {target}" in output
    written = target.read_text().splitlines()
    assert written[0] == "PGDMP"
    assert "--format=custom" in written[1].split()
    assert "s3cret" not in written[1]
    assert written[2] == "PGPASSWORD=s3cret"
