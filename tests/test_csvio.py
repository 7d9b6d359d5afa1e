"""journal.csvio: CSV rows for export and import, with no request or database."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journal import csvio
from journal.forms import EpisodeForm, NightForm
from journal.models import HABIT_FIELDS, MAX_NOTES

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def night(**overrides) -> dict:
    """A night as the export view reads it from the database."""
    row = {
        "date": dt.date(2026, 11, 20),
        "bedtime": dt.time(22, 30),
        "stretch_minutes": 10,
        "caffeine_drinks": 1,
        "last_caffeine_at": dt.time(9, 0),
        "alcohol_drinks": Decimal("1.5"),
        "last_alcohol_at": dt.time(20, 15, 42),
        "water_glasses": 6,
        "relaxation_minutes": 0,
        "sleep_quality": 4,
        "notes": "",
        "cramp_count": 2,
        "worst_severity": 7,
        "cramp_minutes": Decimal("3.0"),
        "experiment_done": None,
    }
    for name in csvio.BOOLEAN_COLUMNS - {"woke_me", "experiment_done"}:
        row[name] = name == "stretch_calf_wall"
    return row | overrides


def parse(text: str) -> list[list[str]]:
    assert text.startswith(csvio.BOM)
    return list(csv.reader(io.StringIO(text.removeprefix(csvio.BOM), newline="")))


def export(nights: list[dict]) -> str:
    return "".join(csvio.write_csv(csvio.night_rows(nights)))


def nights_file(*rows: str, header: str | None = None) -> str:
    header = header or ",".join(csvio.NIGHT_COLUMNS)
    return "\r\n".join([header, *rows]) + "\r\n"


def test_night_columns_are_the_night_forms_fields_the_cramp_summary_then_the_experiment():
    # Columns are only ever added at the end: the experiment's came after the summary.
    # The form's own version field ("seen") is not data: it is never a column.
    *fields, question = (name for name in NightForm.base_fields if name != "seen")
    assert question == "experiment_done"
    assert (
        *fields,
        "cramp_count",
        "worst_severity",
        "cramp_minutes",
        "experiment",
        "experiment_plan",
        "experiment_done",
    ) == csvio.NIGHT_COLUMNS
    assert set(HABIT_FIELDS) < set(csvio.NIGHT_COLUMNS)
    assert csvio.NIGHT_COLUMNS[-6:-3] == csvio.NIGHT_SUMMARY_COLUMNS


def test_episode_columns_are_the_night_date_then_the_episode_forms_fields():
    # base_fields, not Meta.fields: the inline formset appends "night" to the latter.
    assert ("night_date", *EpisodeForm.base_fields) == csvio.EPISODE_COLUMNS


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        (True, "TRUE"),
        (False, "FALSE"),
        (0, "0"),
        (12, "12"),
        (Decimal("1.5"), "1.5"),
        (Decimal("2.0"), "2"),
        (Decimal("10.0"), "10"),
        (Decimal("0.0"), "0"),
        (dt.date(2026, 3, 4), "2026-03-04"),
        (dt.time(7, 5), "07:05"),
        (dt.time(22, 30, 59), "22:30"),
        ("Slept well", "Slept well"),
        ("1.5", "1.5"),
        ("Crème brûlée, then bed", "Crème brûlée, then bed"),
    ],
)
def test_safe_cell_writes_plain_values_as_spreadsheets_expect(value, cell):
    assert csvio.safe_cell(value) == cell


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_safe_cell_quotes_text_that_starts_with_a_formula_trigger(trigger):
    assert csvio.safe_cell(f"{trigger}1+1") == f"'{trigger}1+1"


def test_safe_cell_quotes_a_trigger_hidden_behind_spaces_and_a_leading_quote():
    assert csvio.safe_cell("  =1+1") == "'  =1+1"
    assert csvio.safe_cell("'tis the season") == "''tis the season"


def test_safe_cell_refuses_a_datetime_rather_than_guess_its_time_zone():
    with pytest.raises(TypeError):
        csvio.safe_cell(dt.datetime(2026, 1, 1, 12))


@pytest.mark.parametrize(
    "value",
    [
        True,
        False,
        None,
        0,
        600,
        dt.date(2026, 3, 4),
        dt.time(7, 5),
        dt.time(22, 30, 59),
        Decimal("1.5"),
        Decimal("2.0"),
        Decimal("10"),
        0.30000000000000004,
        "calf",
        "both",
        "",
        "=1+1",
        "  -x",
    ],
)
def test_each_columns_quick_cell_writer_writes_what_safe_cell_writes(value):
    writers = {*csvio._NIGHT_CELLS, *csvio._EPISODE_CELLS}
    assert {writer(value) for writer in writers} == {csvio.safe_cell(value)}


def test_night_rows_start_with_the_header_and_follow_the_column_order():
    header, row = csvio.night_rows([night(notes="-felt stiff")])
    assert header == list(csvio.NIGHT_COLUMNS)
    cells = dict(zip(header, row, strict=True))
    assert cells["date"] == "2026-11-20"
    assert cells["bedtime"] == "22:30"
    assert cells["last_alcohol_at"] == "20:15"
    assert cells["alcohol_drinks"] == "1.5"
    assert cells["stretch_calf_wall"] == "TRUE"
    assert cells["stretch_hamstring"] == "FALSE"
    assert cells["notes"] == "'-felt stiff"
    assert (cells["cramp_count"], cells["worst_severity"], cells["cramp_minutes"]) == (
        "2",
        "7",
        "3",
    )


def test_a_night_without_cramps_has_zero_minutes_and_no_worst_severity():
    _, row = csvio.night_rows([night(cramp_count=0, worst_severity=None, cramp_minutes=None)])
    assert row[-6:-3] == ["0", "", "0"]


def test_cramp_minutes_stay_blank_when_no_cramp_had_a_duration():
    _, row = csvio.night_rows([night(cramp_count=2, cramp_minutes=None)])
    assert row[-4] == ""


def test_cramp_minutes_summed_as_floats_are_rounded_to_a_tenth():
    _, row = csvio.night_rows([night(cramp_minutes=0.30000000000000004)])
    assert row[-4] == "0.3"


def test_an_experiments_night_has_its_plan_and_the_answer_to_its_question():
    plans = {dt.date(2026, 11, 20): ("=Magnesium", "test")}
    _, row = csvio.night_rows([night(experiment_done=True)], plans)
    assert row[-3:] == ["'=Magnesium", "test", "TRUE"]  # a label is text, never a formula
    _, row = csvio.night_rows([night()])
    assert row[-3:] == ["", "", ""]  # no experiment, no answer


def test_a_blank_answer_to_the_experiments_question_reads_as_unanswered_not_no():
    header = ",".join(csvio.NIGHT_COLUMNS)
    row = "2026-11-20" + "," * (len(csvio.NIGHT_COLUMNS) - 1)
    (blank,) = csvio.read_nights(nights_file(row, header=header))
    (no,) = csvio.read_nights(nights_file(row + "FALSE", header=header))
    assert (blank.data["experiment_done"], no.data["experiment_done"]) == ("", "false")


def test_a_nights_file_from_before_experiments_is_still_read():
    header = ",".join(csvio.NIGHT_COLUMNS[:-3])
    (record,) = csvio.read_nights(nights_file("2026-11-20" + "," * 23, header=header))
    assert record.data["experiment_done"] == ""


def test_episode_rows_write_each_cramp_with_its_nights_date():
    episode = {
        "night_date": dt.date(2026, 11, 20),
        "at": None,
        "muscle": "calf",
        "side": "left",
        "severity": 10,
        "duration_minutes": Decimal("0.5"),
        "woke_me": True,
    }
    assert list(csvio.episode_rows([episode])) == [
        list(csvio.EPISODE_COLUMNS),
        ["2026-11-20", "", "calf", "left", "10", "0.5", "TRUE"],
    ]


def test_write_csv_yields_the_byte_order_mark_then_crlf_lines_quoted_per_rfc_4180():
    chunks = list(csvio.write_csv([["a", "b"], ['say "hi", then', "two\nlines"]]))
    assert chunks == [csvio.BOM, "a,b\r\n", '"say ""hi"", then","two\nlines"\r\n']


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=MAX_NOTES).filter(lambda s: "\x00" not in s))
def test_any_note_reads_back_exactly_and_never_starts_with_a_formula_trigger(note):
    header, row = parse(export([night(notes=note)]))
    for cell in row:
        assert not cell.startswith(TRIGGERS)
    cells = dict(zip(header, row, strict=True))
    assert csvio.unprotect(cells["notes"]) == note
    # Numbers stay numbers: nothing the app computes gets the protective quote.
    assert cells["alcohol_drinks"] == "1.5"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=MAX_NOTES).filter(lambda s: "\x00" not in s))
def test_any_exported_note_imports_back_as_the_same_form_data(note):
    records = csvio.read_nights(export([night(notes=note)]).removeprefix(csvio.BOM))
    assert [r.data["notes"] for r in records] == [note]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("TRUE", True),
        ("true", True),
        ("Yes", True),
        ("1", True),
        (" FALSE ", False),
        ("no", False),
        ("0", False),
        ("", False),
    ],
)
def test_parse_bool_reads_what_spreadsheets_write(text, value):
    assert csvio.parse_bool(text) is value


def test_parse_bool_rejects_anything_else():
    with pytest.raises(ValueError, match="maybe"):
        csvio.parse_bool("maybe")


@pytest.mark.parametrize("text", ["20/11/2026", "11/20/2026", "20261120", "2026-W47-5", " "])
def test_parse_iso_date_accepts_only_year_month_day(text):
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        csvio.parse_iso_date(text)
    assert csvio.parse_iso_date(" 2026-11-20 ") == dt.date(2026, 11, 20)


def test_decode_accepts_utf8_with_or_without_a_byte_order_mark():
    assert csvio.decode("\ufeffCrème".encode()) == "Crème"
    assert csvio.decode("Crème".encode()) == "Crème"


@pytest.mark.parametrize("data", ["Crème".encode("latin-1"), b"PK\x03\x04\x00\x00"])
def test_decode_rejects_text_in_another_encoding_and_binary_files(data):
    with pytest.raises(csvio.CsvError):
        csvio.decode(data)


def test_read_nights_gives_form_data_with_line_numbers_that_count_the_header():
    text = export(
        [
            night(notes="two\r\nlines"),
            night(date=dt.date(2026, 11, 21), notes="=1+1"),
        ]
    ).removeprefix(csvio.BOM)
    text = text + "\r\n,,,\r\n"  # a blank row, as spreadsheets sometimes leave
    first, second = csvio.read_nights(text)
    assert (first.line, first.date, first.problems) == (2, dt.date(2026, 11, 20), {})
    assert first.data["notes"] == "two\r\nlines"
    assert first.data["stretch_calf_wall"] == "true"
    assert first.data["electrolytes"] == "false"
    assert first.data["bedtime"] == "22:30"
    assert "cramp_count" not in first.data
    assert (second.line, second.data["notes"]) == (4, "=1+1")


def test_read_nights_accepts_other_header_case_and_extra_columns():
    header = ",".join(c.upper() for c in csvio.NIGHT_COLUMNS[:-3]) + ",my own column"
    (record,) = csvio.read_nights(nights_file("2026-11-20" + "," * 20 + ",x", header=header))
    assert record.problems == {}
    assert record.data["date"] == "2026-11-20"


def test_read_nights_reports_cells_it_cannot_read():
    row = "20/11/2026,22:30,10,maybe" + "," * 20
    (record,) = csvio.read_nights(nights_file(row))
    assert record.date is None
    assert set(record.problems) == {"date", "stretch_calf_wall"}


def test_read_nights_reports_a_row_with_more_cells_than_the_header():
    (record,) = csvio.read_nights(nights_file("2026-11-20" + "," * 26 + ",surprise"))
    assert "row" in record.problems


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("date,bedtime\r\n2026-11-20,22:30\r\n", "lacks these columns: stretch_minutes,"),
        ("Day,Time\r\n", "isn’t a Nightleg nights file"),
        (",".join(csvio.EPISODE_COLUMNS) + "\r\n", "looks like a cramps file, not a nights"),
        (",".join(csvio.EXPERIMENT_COLUMNS) + "\r\n", "looks like an experiments file, not a"),
        (";".join(csvio.NIGHT_COLUMNS) + "\r\n", "semicolons"),
        (",".join(csvio.NIGHT_COLUMNS) + ",date\r\n", "twice: date"),
    ],
)
def test_read_nights_refuses_a_file_without_the_nights_header(text, message):
    with pytest.raises(csvio.CsvError, match=message):
        csvio.read_nights(text)


def test_read_episodes_gives_the_night_date_apart_from_the_form_data():
    text = "night_date,at,muscle,side,severity,duration_minutes,woke_me\r\n"
    text += "2026-11-20,03:15,Calf,LEFT,7,1.5,yes\r\n2026-13-01,,foot,right,3,,\r\n"
    first, second = csvio.read_episodes(text)
    assert first.date == dt.date(2026, 11, 20)
    assert first.data == {
        "at": "03:15",
        "muscle": "calf",
        "side": "left",
        "severity": "7",
        "duration_minutes": "1.5",
        "woke_me": "true",
    }
    assert second.date is None
    assert "night_date" in second.problems


def test_read_nights_tells_a_wrongly_written_date_from_an_impossible_or_missing_one():
    rows = ["2026-02-30" + "," * 20, "30/01/2026" + "," * 20, "," * 20 + "a note"]
    assert [r.problems["date"] for r in csvio.read_nights(nights_file(*rows))] == [
        "2026-02-30 isn’t a real date.",
        "“30/01/2026” isn’t a date written as YYYY-MM-DD.",
        "The date is missing.",
    ]


def test_read_episodes_turns_12_hour_times_into_24_hour_ones():
    text = "night_date,at,muscle,side,severity,duration_minutes,woke_me\r\n"
    text += "2026-11-20,10:25:00 PM,calf,left,7,,\r\n2026-11-20,12:05 am,calf,left,7,,\r\n"
    text += "2026-11-20,25:00,calf,left,7,,\r\n"
    assert [r.data["at"] for r in csvio.read_episodes(text)] == ["22:25:00", "00:05:00", "25:00"]
