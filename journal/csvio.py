"""The journal as CSV files: for a spreadsheet or a clinician, and to move a journal.

Export turns rows (mappings keyed by column name) into CSV text a spreadsheet opens
safely; import turns that text back into form data, row by row, with the file's line
numbers, and the forms decide what is valid. Plain data in, strings out: no HTTP, and
only nights_csv() and episodes_csv() touch the database, to read exactly these columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain

from django.db import models
from django.db.models import Count, F, Max, QuerySet, Sum

from journal.models import EPISODE_FIELDS, NIGHT_FIELDS, CrampEpisode, Experiment, Night

# The files' columns, in order. Spreadsheets, scripts and import rely on these names and
# this order: add new columns at the end, never rename or reorder.
NIGHT_SUMMARY_COLUMNS = ("cramp_count", "worst_severity", "cramp_minutes")
# The experiment a night belongs to, its plan that night ("test" or "usual"), and the
# answer to the experiment's question (did the person do the thing tested?).
NIGHT_EXPERIMENT_COLUMNS = ("experiment", "experiment_plan", "experiment_done")
NIGHT_COLUMNS = (*NIGHT_FIELDS, *NIGHT_SUMMARY_COLUMNS, *NIGHT_EXPERIMENT_COLUMNS)
# What import reads from a nights file (the rest is worked out from it again). Files
# exported before experiments existed have no experiment_done: it may be missing.
NIGHT_INPUTS = (*NIGHT_FIELDS, "experiment_done")
OPTIONAL_NIGHT_INPUTS = ("experiment_done",)
EPISODE_COLUMNS = ("night_date", *EPISODE_FIELDS)
# One row per experiment: its plan, which re-derives its schedule, then its result.
EXPERIMENT_INPUTS = (
    "first_night",
    "habit",
    "own_label",
    "block_nights",
    "pairs",
    "wash_in_nights",
    "seed",
    "stopped_after",
)
EXPERIMENT_RESULT_COLUMNS = (
    "planned_last_night",
    "test_nights",
    "usual_nights",
    "test_cramps_per_night",
    "usual_cramps_per_night",
    "rate_ratio",
    "ratio_low",
    "ratio_high",
    "p_value",
    "verdict",
    "nights_followed",
    "nights_answered",
)
EXPERIMENT_COLUMNS = (*EXPERIMENT_INPUTS, *EXPERIMENT_RESULT_COLUMNS)
# The experiments file's columns named as the model's fields where they differ.
_EXPERIMENT_FIELDS = {"first_night": "start", "wash_in_nights": "wash_in"}
EXPERIMENT_COLUMN_OF = {field: column for column, field in _EXPERIMENT_FIELDS.items()}
BOOLEAN_COLUMNS = frozenset(
    field.name
    for model in (Night, CrampEpisode)
    for field in model._meta.concrete_fields
    if isinstance(field, models.BooleanField)
)
# Yes/no columns where an empty cell means "not answered" rather than no.
_UNKNOWN_IF_BLANK = frozenset(
    field.name
    for model in (Night, CrampEpisode)
    for field in model._meta.concrete_fields
    if isinstance(field, models.BooleanField) and field.null
)

BOM = "\ufeff"
# A cell starting with one of these can become a formula in a spreadsheet (OWASP's
# CSV injection list). Such text is written with a leading single quote.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
PROTECTIVE_QUOTE = "'"

_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0", ""}
_TENTH = Decimal("0.1")
_CHOICE_COLUMNS = frozenset({"muscle", "side"})
_TIME_COLUMNS = frozenset({"bedtime", "last_caffeine_at", "last_alcohol_at", "at"})
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class CsvError(ValueError):
    """The file as a whole can't be used; the message says why, for the person."""


# --- Export -----------------------------------------------------------------------


def _needs_protection(text: str) -> bool:
    # Text that already starts with the quote gets one more, so that import's removal
    # of one quote gives back exactly what was typed ("'tis" stays "'tis").
    return text[:1] in (*FORMULA_TRIGGERS, PROTECTIVE_QUOTE) or (
        text.lstrip()[:1] in FORMULA_TRIGGERS
    )


def _number(value: int | float | Decimal) -> str:
    if isinstance(value, Decimal):
        # 2.0 from a DECIMAL(3,1) column reads better as 2; never 1E+1 for 10.
        return format(value.normalize(), "f")
    return str(value)


def safe_cell(value: object) -> str:
    """One value as the text of a cell that no spreadsheet reads as a formula.

    Numbers stay plain numbers; booleans are TRUE/FALSE; dates are ISO and times 24-hour
    HH:MM; None is an empty cell; text that could start a formula gets a leading quote.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        return _number(value)
    if isinstance(value, dt.datetime):
        raise TypeError("the journal's files hold dates and times of day, not datetimes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    text = str(value)
    return PROTECTIVE_QUOTE + text if _needs_protection(text) else text


# The fast path of safe_cell for one column's type, found once per column rather than
# once per cell: five years of nights is some 60,000 cells. Anything unexpected still
# goes through safe_cell, so the cells are the same either way.
def _boolean_cell(value: object) -> str:
    return "TRUE" if value is True else "FALSE" if value is False else safe_cell(value)


def _integer_cell(value: object) -> str:
    return str(value) if type(value) is int else safe_cell(value)


def _date_cell(value: object) -> str:
    return value.isoformat() if type(value) is dt.date else safe_cell(value)


def _time_cell(value: object) -> str:
    return value.isoformat("minutes") if type(value) is dt.time else safe_cell(value)


def _decimal_cell(value: object) -> str:
    return format(value.normalize(), "f") if type(value) is Decimal else safe_cell(value)


_CELLS = {
    models.BooleanField: _boolean_cell,
    models.PositiveSmallIntegerField: _integer_cell,
    models.DateField: _date_cell,
    models.TimeField: _time_cell,
    models.DecimalField: _decimal_cell,
}


def _choice_cell(choices: Iterable[str]) -> Callable[[object], str]:
    """A choice's value as it is: none of them can start a formula."""
    plain = frozenset(c for c in choices if not _needs_protection(c))
    return lambda value: value if value in plain else safe_cell(value)


def _cell_writer(model: type[models.Model], column: str) -> Callable[[object], str]:
    field = model._meta.get_field(column)
    if isinstance(field, models.CharField) and field.choices:
        return _choice_cell(value for value, _label in field.choices)
    return _CELLS.get(type(field), safe_cell)


_NIGHT_CELLS = [_cell_writer(Night, c) for c in NIGHT_FIELDS] + [_integer_cell, _integer_cell]
_EPISODE_CELLS = [_date_cell] + [_cell_writer(CrampEpisode, c) for c in EPISODE_FIELDS]
_FIELDS = len(NIGHT_FIELDS)


def _cramp_minutes(minutes: object, cramp_count: object) -> object:
    if minutes is None:
        return "" if cramp_count else "0"  # no cramps is zero minutes; unknown stays blank
    # Durations have one decimal place; some databases sum them as floats.
    return safe_cell(Decimal(str(minutes)).quantize(_TENTH))


# A night's experiment and its plan that night, by date (Experiment.objects.plans()).
Plans = Mapping[dt.date, tuple[str, str]]


def _night_cells(rows: Iterable[Sequence[object]], plans: Plans) -> Iterator[list[str]]:
    """Rows of values (NIGHT_FIELDS, the summary's three, experiment_done) as cells."""
    for row in rows:
        cells = [cell(value) for cell, value in zip(_NIGHT_CELLS, row[: _FIELDS + 2], strict=True)]
        cells.append(_cramp_minutes(row[_FIELDS + 2], row[_FIELDS]))
        label, plan = plans.get(row[0], ("", ""))
        cells += [safe_cell(label), plan, _boolean_cell(row[_FIELDS + 3])]
        yield cells


def _episode_cells(rows: Iterable[Sequence[object]]) -> Iterator[list[str]]:
    """Rows of values in EPISODE_COLUMNS order as cells."""
    for row in rows:
        yield [cell(value) for cell, value in zip(_EPISODE_CELLS, row, strict=True)]


def night_rows(
    nights: Iterable[Mapping[str, object]], plans: Plans | None = None
) -> Iterator[list[str]]:
    """The header, then one row per night (mappings with a key for every column but the
    experiment's name and plan, which come from ``plans``)."""
    columns = [c for c in NIGHT_COLUMNS if c not in ("experiment", "experiment_plan")]
    yield list(NIGHT_COLUMNS)
    yield from _night_cells(([night[c] for c in columns] for night in nights), plans or {})


def episode_rows(episodes: Iterable[Mapping[str, object]]) -> Iterator[list[str]]:
    """The header, then one row per cramp episode (with its night's date)."""
    yield list(EPISODE_COLUMNS)
    yield from _episode_cells([episode[c] for c in EPISODE_COLUMNS] for episode in episodes)


class _Echo:
    """A file-like object whose write() hands the line back instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def write_csv(rows: Iterable[Sequence[str]]) -> Iterator[str]:
    """The byte-order mark (so Excel reads UTF-8), then each row as one RFC 4180 line."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield BOM
    for row in rows:
        yield writer.writerow(row)


# --- From the database --------------------------------------------------------------

# Rows fetched at a time: memory stays flat however long the journal.
CHUNK_SIZE = 500


def nights_csv(nights: QuerySet, plans: Plans | None = None) -> Iterator[str]:
    """The nights file for these nights (one person's), oldest first, in one query.

    ``plans`` gives the experiment and plan of each of the person's experiment nights.
    Lazy: the query runs as the text is read, so a response can stream it.
    """
    values = (
        nights.order_by("date")
        .annotate(
            cramp_count=Count("episodes"),
            worst_severity=Max("episodes__severity"),
            cramp_minutes=Sum("episodes__duration_minutes"),
        )
        .values_list(*NIGHT_FIELDS, *NIGHT_SUMMARY_COLUMNS, "experiment_done")
    )
    rows = _night_cells(values.iterator(chunk_size=CHUNK_SIZE), plans or {})
    return write_csv(chain([list(NIGHT_COLUMNS)], rows))


def episodes_csv(nights: QuerySet) -> Iterator[str]:
    """The cramps file for these nights' episodes, by night and time, in one query."""
    episodes = CrampEpisode.objects.filter(night__in=nights)
    values = episodes.order_by("night__date", F("at").asc(nulls_last=True), "id").values_list(
        "night__date", *EPISODE_COLUMNS[1:]
    )
    rows = _episode_cells(values.iterator(chunk_size=CHUNK_SIZE))
    return write_csv(chain([list(EPISODE_COLUMNS)], rows))


def experiments_csv(experiments: Iterable[Experiment], last_night: dt.date) -> Iterator[str]:
    """The experiments file: each experiment's plan, then its result by plan so far."""

    def row(experiment: Experiment) -> list[str]:
        result = experiment.result(last_night)
        plan = result.by_plan
        values = [
            experiment.start,
            experiment.habit,
            experiment.own_label,
            experiment.block_nights,
            experiment.pairs,
            experiment.wash_in,
            experiment.seed,
            experiment.stopped_after,
            experiment.end,
            result.test.nights,
            result.usual.nights,
            *(_rounded(v) for v in (result.test.cramps_per_night, result.usual.cramps_per_night)),
            *(_rounded(v) for v in (plan.ratio, plan.low, plan.high, plan.p)),
            plan.verdict,
            result.followed,
            result.answered,
        ]
        return [safe_cell(value) for value in values]

    ordered = sorted(experiments, key=lambda e: e.start)
    return write_csv(chain([list(EXPERIMENT_COLUMNS)], map(row, ordered)))


def _rounded(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(f"{value:.4f}").normalize()


# --- Import -----------------------------------------------------------------------


def unprotect(text: str) -> str:
    """Remove the quote safe_cell() added; anything else is left as it is."""
    rest = text[1:]
    if text.startswith(PROTECTIVE_QUOTE) and _needs_protection(rest):
        return rest
    return text


def parse_bool(text: str) -> bool:
    """TRUE/FALSE, yes/no, 1/0 in any case; a blank cell is False."""
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError(f"{text!r} is not a yes or no")


def parse_iso_date(text: str) -> dt.date:
    """YYYY-MM-DD only: 03/04/2026 means different days in different countries."""
    text = text.strip()
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"{text!r} is not written as YYYY-MM-DD")
    return dt.date.fromisoformat(text)


def _24_hour(text: str) -> str:
    """10:25:00 PM (as spreadsheets in some locales save times) as 22:25:00.

    Anything else is returned as it is, for the form to accept or explain.
    """
    for layout in ("%I:%M %p", "%I:%M:%S %p"):
        try:
            return dt.datetime.strptime(text, layout).strftime("%H:%M:%S")
        except ValueError:
            continue
    return text


def decode(data: bytes) -> str:
    """The file's text, with or without a byte-order mark."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvError(
            "This file isn’t UTF-8 text. Choose the files Nightleg exported, or save your "
            "spreadsheet as “CSV UTF-8 (comma delimited)”."
        ) from None
    if "\x00" in text:
        raise CsvError("This isn’t a CSV file: it contains binary data.")
    return text


@dataclass
class Record:
    """One row of a file, as form data, with what was wrong before any form saw it."""

    line: int
    data: dict[str, str]
    date: dt.date | None = None
    problems: dict[str, str] = field(default_factory=dict)


# Limits on a file, checked while it is read, before any row is validated: enough for
# a 50-year journal with a cramp or five every night, and a bound on the work one upload
# can cause.
MAX_COLUMNS = 100
MAX_ROWS = {"nights": 20_000, "cramps": 100_000, "experiments": 1_000}
MAX_ROW_CHARACTERS = 10_000  # a note may be 2,000 characters

# The column that tells each kind of file from the others.
_FIRST_COLUMNS = {"nights": "date", "cramps": "night_date", "experiments": "first_night"}


def _a(kind: str | None) -> str:
    return f"an {kind}" if kind and kind[0] in "aeiou" else f"a {kind}"


def _header(reader, columns: Sequence[str], kind: str, optional: Sequence[str] = ()) -> list[str]:
    try:
        first = next(reader)
    except StopIteration:
        raise CsvError("This file is empty.") from None
    if len(first) > MAX_COLUMNS:
        raise CsvError(
            f"This file’s first line names {len(first):,} columns, and at most "
            f"{MAX_COLUMNS} are read: is this the {kind} file Nightleg exported?"
        )
    names = [unprotect(cell).strip().lower() for cell in first]
    if len(names) == 1 and ";" in names[0]:
        raise CsvError(
            "This file’s columns are separated by semicolons. Save it again as CSV with "
            "commas (“CSV UTF-8 (comma delimited)”)."
        )
    duplicated = sorted(n for n, count in Counter(names).items() if n and count > 1)
    if duplicated:
        raise CsvError(f"The header names these columns twice: {', '.join(duplicated)}.")
    missing = [c for c in columns if c not in names and c not in optional]
    if set(missing) == set(columns) - set(optional):
        other = next((k for k, column in _FIRST_COLUMNS.items() if column in names), None)
        raise CsvError(
            f"This looks like {_a(other)} file, not {_a(kind)} file."
            if other
            else f"This isn’t a Nightleg {kind} file: its first line should name the "
            f"columns, starting with {', '.join(columns[:3])}."
        )
    if missing:
        raise CsvError(f"The {kind} file’s first line lacks these columns: {', '.join(missing)}.")
    return names


def _records(
    text: str, columns: Sequence[str], kind: str, optional: Sequence[str] = ()
) -> Iterator[tuple[int, dict[str, str], str | None]]:
    """(line, values by column, problem with the row's shape) for each non-blank row.

    The line is where the row starts in the file, the header being line 1; a note with
    line breaks makes a row span several lines.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    most = MAX_ROWS[kind]
    rows = 0
    try:
        names = _header(reader, columns, kind, optional)
        end = reader.line_num
        for cells in reader:
            line, end = end + 1, reader.line_num
            if sum(map(len, cells)) > MAX_ROW_CHARACTERS:
                raise CsvError(
                    f"The row on line {line} is longer than {MAX_ROW_CHARACTERS:,} characters, "
                    "more than any night or cramp needs. Is this the right file?"
                )
            if not any(cell.strip() for cell in cells):
                continue
            rows += 1
            if rows > most:
                raise CsvError(
                    f"This {kind} file has more than {most:,} rows, the most one import "
                    "takes. Split it by date and import each part."
                )
            problem = None
            if any(cell.strip() for cell in cells[len(names) :]):
                problem = f"This row has {len(cells)} cells but the header names {len(names)}."
            cells = cells + [""] * (len(names) - len(cells))
            values = {name: unprotect(cell) for name, cell in zip(names, cells, strict=False)}
            yield line, {c: values.get(c, "") for c in columns}, problem
    except csv.Error as e:
        raise CsvError(f"Line {reader.line_num} isn’t valid CSV ({e}).") from None


def _record(line: int, values: dict[str, str], problem: str | None, date_column: str) -> Record:
    record = Record(line=line, data={})
    if problem:
        record.problems["row"] = problem
    for column, text in values.items():
        if column in _UNKNOWN_IF_BLANK and not text.strip():
            record.data[column] = ""
        elif column in BOOLEAN_COLUMNS:
            try:
                record.data[column] = "true" if parse_bool(text) else "false"
            except ValueError:
                record.problems[column] = f"“{text}” isn’t TRUE or FALSE (yes/no or 1/0)."
        elif column == "notes":
            record.data[column] = text  # the form strips it, as it does typed notes
        elif column in _TIME_COLUMNS:
            record.data[column] = _24_hour(text.strip())
        elif column in _CHOICE_COLUMNS:
            record.data[column] = text.strip().lower()
        else:
            record.data[column] = text.strip()
    text = values[date_column].strip()
    try:
        record.date = parse_iso_date(text)
    except ValueError:
        if not text:
            record.problems[date_column] = "The date is missing."
        elif _ISO_DATE.fullmatch(text):
            record.problems[date_column] = f"{text} isn’t a real date."
        else:
            record.problems[date_column] = f"“{text}” isn’t a date written as YYYY-MM-DD."
    return record


def read_nights(text: str) -> list[Record]:
    """Rows of a nights file as NightForm data (the columns worked out again are left out)."""
    return [
        _record(line, values, problem, "date")
        for line, values, problem in _records(text, NIGHT_INPUTS, "nights", OPTIONAL_NIGHT_INPUTS)
    ]


def read_episodes(text: str) -> list[Record]:
    """Rows of an episodes file as EpisodeForm data, each with its night's date."""
    records = []
    for line, values, problem in _records(text, EPISODE_COLUMNS, "cramps"):
        record = _record(line, values, problem, "night_date")
        record.data.pop("night_date")
        records.append(record)
    return records


def read_experiments(text: str) -> list[Record]:
    """Rows of an experiments file as form data for its plan (the result is left out)."""
    records = []
    for line, values, problem in _records(text, EXPERIMENT_INPUTS, "experiments"):
        record = _record(line, values, problem, "first_night")
        record.data = {_EXPERIMENT_FIELDS.get(c, c): v for c, v in record.data.items()}
        records.append(record)
    return records
