"""Write a consistent copy of the database while the site keeps running.

Sessions and uploads waiting for an import's confirmation are left out: a leaked backup
must not hold sessions that still sign someone in. After a restore everyone signs in again.

SQLite: the online backup API, from the live connection into a new file. Copying the
database file instead could catch it half-way through a write (or miss the part still in
the WAL file), and the copy would be damaged. PostgreSQL: pg_dump, which reads one
snapshot. `manage.py restore` puts either kind back.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from journal.models import CrampEpisode, Night, PendingImport

SQLITE_HEADER = b"SQLite format 3\x00"
PG_ARCHIVE_HEADER = b"PGDMP"  # what pg_dump --format=custom files start with

# libpq reads these from the environment; keys are Django's OPTIONS for PostgreSQL.
_PG_OPTION_VARIABLES = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
}


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database to PATH while the site keeps running "
        "(SQLite's online backup API, or pg_dump on PostgreSQL). `restore` puts it back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file to write.")
        parser.add_argument("--force", action="store_true", help="Replace PATH if it exists.")

    def handle(self, *args, path: Path, force: bool, **options) -> None:
        if path.is_dir():
            raise CommandError(f"{path} is a folder; give the name of the backup file to write.")
        if path.exists() and not force:
            raise CommandError(f"{path} already exists; pass --force to replace it.")
        if not path.parent.is_dir():
            raise CommandError(f"There is no folder {path.parent} to write the backup in.")

        if connection.vendor == "sqlite":
            _refuse_the_live_file(path)
            with _replacing(path) as partial:
                _sqlite_backup(partial)
            counts = ", ".join(f"{label}: {n}" for label, n in sqlite_counts(path).items())
            size = path.stat().st_size
            self.stdout.write(self.style.SUCCESS(f"Wrote {path} ({size:,} bytes): {counts}."))
        elif connection.vendor == "postgresql":
            pg_dump = pg_tool("pg_dump")
            self.stdout.write(
                f"PostgreSQL: running {pg_dump} to write a custom-format archive of "
                f"{describe_database()}; `manage.py restore {path}` puts it back."
            )
            with _replacing(path) as partial:
                left_out = [f"--exclude-table-data={table}" for table in _LEFT_OUT]
                run_pg_tool(pg_dump, ["--format=custom", f"--file={partial}", *left_out])
            size = path.stat().st_size
            self.stdout.write(self.style.SUCCESS(f"Wrote {path} ({size:,} bytes)."))
        else:
            raise CommandError(f"Backups work on SQLite and PostgreSQL, not {connection.vendor}.")


# Tables whose rows are left out of a backup (the tables themselves stay).
_LEFT_OUT = (Session._meta.db_table, PendingImport._meta.db_table)


def describe_database() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"database {db['NAME']!r} on {db.get('HOST') or 'the local server'}"
    return f"the SQLite database {db['NAME']}"


def journal_tables() -> dict[str, str]:
    """The tables a Nightleg database cannot be without, by what they hold."""
    return {
        "users": get_user_model()._meta.db_table,
        "nights": Night._meta.db_table,
        "cramp episodes": CrampEpisode._meta.db_table,
    }


def sqlite_counts(path: Path) -> dict[str, int]:
    """How many users, nights and episodes the SQLite file at path holds."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
        return {
            label: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for label, table in journal_tables().items()
        }


def _refuse_the_live_file(path: Path) -> None:
    if connection.is_in_memory_db():
        return
    live = Path(connection.settings_dict["NAME"])
    if path.resolve() == live.resolve():
        raise CommandError(f"{path} is the live database itself; choose another file.")


@contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    """A new file beside path, readable by its owner only, that replaces path on success.

    A failed or interrupted backup never leaves a half-written file under the real name,
    nor destroys the previous backup when --force is given.
    """
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(fd)
    partial = Path(name)
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _sqlite_backup(target_path: Path) -> None:
    if connection.in_atomic_block:
        # SQLite would wait forever for this connection's own write to finish.
        raise CommandError("A backup cannot run inside a transaction.")
    connection.ensure_connection()
    target = sqlite3.connect(target_path)
    try:
        # All pages in one step: the copy is read inside one read transaction on the live
        # database, so it is a snapshot of one moment however busy the writers are.
        connection.connection.backup(target, pages=-1)
        # A copy of a WAL database is in WAL mode too; make the backup one self-contained
        # file that opens without -wal and -shm companions.
        target.execute("PRAGMA journal_mode=DELETE")
        for table in _LEFT_OUT:
            target.execute(f'DELETE FROM "{table}"')
        target.commit()
        target.execute("VACUUM")  # so the deleted rows are not left in free pages
    except sqlite3.Error as exc:
        raise CommandError(f"The backup failed: {exc}") from None
    finally:
        target.close()


def pg_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise CommandError(
            f"This database is PostgreSQL, and {name} (from the PostgreSQL client tools, "
            "the server's major version or newer) is not on the PATH. Install it, "
            "for example `apt install postgresql-client`, and run this again."
        )
    return tool


def pg_connection_args(db: dict) -> tuple[list[str], dict[str, str]]:
    """Options and environment for pg_dump/pg_restore to reach the DATABASES entry db.

    The password goes in PGPASSWORD: on the command line any user of the machine could
    read it in the process list.
    """
    args = ["--no-password"]  # never wait for a prompt nobody will answer (cron)
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args.append(f"{flag}={db[key]}")
    if db.get("NAME"):
        args.append(f"--dbname={db['NAME']}")
    env = {"PGPASSWORD": str(db["PASSWORD"])} if db.get("PASSWORD") else {}
    options = db.get("OPTIONS") or {}
    env |= {var: str(options[key]) for key, var in _PG_OPTION_VARIABLES.items() if options.get(key)}
    return args, env


def run_pg_tool(tool: str, args: list[str]) -> None:
    connection_args, env = pg_connection_args(connection.settings_dict)
    # Its own messages go straight to stderr, where the person running this sees them.
    result = subprocess.run([tool, *connection_args, *args], env=os.environ | env, check=False)
    if result.returncode != 0:
        raise CommandError(f"{Path(tool).name} failed (exit status {result.returncode}).")
