"""Put back a backup made by `manage.py backup`, replacing every row in the database."""

from __future__ import annotations

import sqlite3
import sys
from contextlib import closing
from pathlib import Path
from typing import TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from journal.management.commands.backup import (
    PG_ARCHIVE_HEADER,
    SQLITE_HEADER,
    describe_database,
    journal_tables,
    pg_tool,
    run_pg_tool,
)


class Command(BaseCommand):
    help = (
        "Replace ALL data in the database with a backup made by `backup` "
        "(SQLite's online backup API, or pg_restore on PostgreSQL)."
    )
    stealth_options = ("stdin",)  # tests answer the question through it

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file to restore.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Do not ask: every row now in the database is replaced by the backup's.",
        )

    def handle(self, *args, path: Path, yes: bool, **options) -> None:
        if not path.is_file():
            raise CommandError(f"There is no backup file {path}.")
        if connection.vendor == "sqlite":
            with closing(_open_sqlite_backup(path)) as backup:
                self._confirm(path, yes, options.get("stdin") or sys.stdin)
                _restore_sqlite(backup)
        elif connection.vendor == "postgresql":
            pg_restore = pg_tool("pg_restore")
            _check_pg_archive(path)
            self._confirm(path, yes, options.get("stdin") or sys.stdin)
            connection.close()  # hold no locks on the tables pg_restore drops
            # --single-transaction: a failed restore leaves the database as it was.
            # --no-owner: the tables belong to whoever restores them, as on the first setup.
            run_pg_tool(
                pg_restore,
                ["--clean", "--if-exists", "--no-owner", "--single-transaction", str(path)],
            )
        else:
            raise CommandError(f"Restore works on SQLite and PostgreSQL, not {connection.vendor}.")

        counts = ", ".join(f"{label}: {n}" for label, n in _live_counts().items())
        self.stdout.write(
            self.style.SUCCESS(f"Restored {path} into {describe_database()}: {counts}.")
        )
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stdout.write(
                self.style.WARNING("The backup predates some migrations: run `migrate` next.")
            )

    def _confirm(self, path: Path, yes: bool, stdin: TextIO) -> None:
        if yes:
            return
        if not stdin.isatty():
            raise CommandError(
                f"Restoring {path} replaces ALL data in {describe_database()}; "
                "pass --yes to confirm. Nothing was changed."
            )
        self.stdout.write(
            f"This replaces ALL data in {describe_database()} with {path}. "
            "Type 'yes' to continue: ",
            ending="",
        )
        self.stdout.flush()
        if stdin.readline().strip().lower() != "yes":
            raise CommandError("Restore cancelled. Nothing was changed.")


def _open_sqlite_backup(path: Path) -> sqlite3.Connection:
    """The backup at path opened read-only, once it is known to be a sound Nightleg database."""
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise CommandError(f"{path} is not an SQLite database. Nothing was changed.")
    backup = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        (result,) = backup.execute("PRAGMA quick_check").fetchone()
        if result != "ok":
            raise CommandError(f"{path} is damaged ({result}). Nothing was changed.")
        found = {name for (name,) in backup.execute("SELECT name FROM sqlite_master")}
        missing = sorted(set(journal_tables().values()) - found)
        if missing:
            raise CommandError(
                f"{path} is not a Nightleg backup: it has no {', '.join(missing)} table. "
                "Nothing was changed."
            )
    except sqlite3.Error as exc:
        backup.close()
        raise CommandError(f"{path} cannot be read as a database ({exc}).") from None
    except CommandError:
        backup.close()
        raise
    return backup


def _restore_sqlite(backup: sqlite3.Connection) -> None:
    if connection.in_atomic_block:
        # SQLite cannot replace the pages under a transaction of the same connection.
        raise CommandError("A restore cannot run inside a transaction.")
    connection.ensure_connection()
    try:
        # The backup API in the other direction: the live database's pages are replaced
        # under its own write lock, so other connections see the old data or the new.
        backup.backup(connection.connection, pages=-1)
    except sqlite3.Error as exc:
        raise CommandError(f"The restore failed: {exc}") from None


def _live_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for label, table in journal_tables().items():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[label] = cursor.fetchone()[0]
    return counts


def _check_pg_archive(path: Path) -> None:
    with path.open("rb") as file:
        if file.read(len(PG_ARCHIVE_HEADER)) != PG_ARCHIVE_HEADER:
            raise CommandError(
                f"{path} is not a pg_dump custom-format archive (made by `manage.py backup` "
                "on PostgreSQL). Nothing was changed."
            )
