"""CSV export: /export/, /export/nights.csv and /export/episodes.csv."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import subprocess
import tempfile
import uuid
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
import time_machine

from journal import csvio
from journal.models import CrampEpisode, Night
from tests.conftest import make_episode, make_experiment, make_night

PAGE = "/export/"
NIGHTS = "/export/nights.csv"
EPISODES = "/export/episodes.csv"
pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC), tick=False):
        yield


def body(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def rows(response) -> list[dict[str, str]]:
    text = body(response)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def many_nights(user, count: int) -> None:
    start = dt.date(2025, 1, 1)
    nights = Night.objects.bulk_create(
        Night(user=user, date=start + dt.timedelta(days=i), notes=f"=night {i}")
        for i in range(count)
    )
    CrampEpisode.objects.bulk_create(
        CrampEpisode(night=n, muscle="calf", side="left", severity=5) for n in nights
    )


@pytest.mark.parametrize("url", [PAGE, NIGHTS, EPISODES])
def test_it_requires_login(client, url):
    assert client.get(url)["Location"].startswith("/accounts/login/")


def test_the_page_links_both_files_for_the_chosen_period(alice, alice_client, clock):
    make_night(alice, "2026-10-01")
    make_episode(make_night(alice, "2026-10-02"))
    make_night(alice, "2026-11-01")
    response = alice_client.get(PAGE + "?period=custom&start=2026-10-01&end=2026-10-31")
    html = response.content.decode()
    assert f'href="{NIGHTS}?start=2026-10-01&amp;end=2026-10-31"' in html
    assert f'href="{EPISODES}?start=2026-10-01&amp;end=2026-10-31"' in html
    assert "2 nights logged, with 1 cramp." in html


def test_the_page_exports_every_night_by_default(alice, bob, alice_client, clock):
    make_night(alice, "2024-01-01")
    make_night(bob, "2026-11-01")
    html = alice_client.get(PAGE).content.decode()
    assert f'href="{NIGHTS}"' in html
    assert "1 night logged" in html


def test_the_page_says_when_the_period_is_bad_and_offers_every_night(alice_client, clock):
    response = alice_client.get(PAGE + "?period=custom&start=2026-11-10&end=2026-11-01")
    html = response.content.decode()
    assert "The start date must be on or before the end date." in html
    assert f'href="{NIGHTS}"' in html


def test_nights_csv_has_every_column_in_order_and_the_nights_cramps(alice, alice_client):
    night = make_night(
        alice,
        "2026-11-20",
        bedtime=dt.time(22, 30),
        stretch_minutes=15,
        stretch_hamstring=True,
        caffeine_drinks=2,
        last_caffeine_at=dt.time(15, 0),
        alcohol_drinks=Decimal("1.5"),
        last_alcohol_at=dt.time(21, 5),
        water_glasses=6,
        relax_breathing=True,
        relaxation_minutes=10,
        sleep_quality=3,
        notes="Crème on my calves, then bed",
    )
    make_episode(night, severity=4, duration_minutes=Decimal("1.5"))
    make_episode(night, severity=8, duration_minutes=Decimal("2"))
    response = alice_client.get(NIGHTS)
    text = body(response)
    assert text.split("\r\n")[0] == "\ufeff" + ",".join(csvio.NIGHT_COLUMNS)
    (row,) = csv.DictReader(io.StringIO(text[1:], newline=""))
    assert row == {
        "date": "2026-11-20",
        "bedtime": "22:30",
        "stretch_minutes": "15",
        "stretch_calf_wall": "FALSE",
        "stretch_calf_towel": "FALSE",
        "stretch_hamstring": "TRUE",
        "stretch_quadriceps": "FALSE",
        "stretch_hip_flexor": "FALSE",
        "stretch_other": "FALSE",
        "caffeine_drinks": "2",
        "last_caffeine_at": "15:00",
        "alcohol_drinks": "1.5",
        "last_alcohol_at": "21:05",
        "water_glasses": "6",
        "electrolytes": "FALSE",
        "relax_breathing": "TRUE",
        "relax_meditation": "FALSE",
        "relax_other": "FALSE",
        "relaxation_minutes": "10",
        "sleep_quality": "3",
        "notes": "Crème on my calves, then bed",
        "cramp_count": "2",
        "worst_severity": "8",
        "cramp_minutes": "3.5",
        "experiment": "",
        "experiment_plan": "",
        "experiment_done": "",
    }


def test_nights_csv_gives_an_experiments_nights_their_plan_and_answer(alice, bob, alice_client):
    experiment = make_experiment(alice, "2026-11-02")
    make_experiment(bob, "2026-10-01", habit="own", own_label="=cmd|' /c calc'!A0")
    plan = {night.date: night.test for night in experiment.design.schedule()}
    make_night(alice, "2026-11-01")  # the night before it
    make_night(alice, "2026-11-02", experiment_done=plan[dt.date(2026, 11, 2)])
    make_night(alice, "2026-11-03")  # not answered
    result = rows(alice_client.get(NIGHTS))
    expected_plan = ["test" if plan[dt.date(2026, 11, d)] else "usual" for d in (2, 3)]
    assert [r["experiment"] for r in result] == ["", *["Stretching before bed"] * 2]
    assert [r["experiment_plan"] for r in result] == ["", *expected_plan]
    assert [r["experiment_done"] for r in result][1:] == [
        "TRUE" if plan[dt.date(2026, 11, 2)] else "FALSE",
        "",
    ]


def test_the_experiments_file_lists_the_owners_plans_and_results(alice, bob, alice_client):
    make_experiment(alice, "2026-11-02", habit="own", own_label="=cmd|' /c calc'!A0")
    make_experiment(bob, "2026-10-01")
    response = alice_client.get("/export/experiments.csv")
    assert response["Content-Disposition"] == 'attachment; filename="nightleg-experiments.csv"'
    assert "no-store" in response["Cache-Control"]
    (row,) = rows(response)
    assert list(row) == list(csvio.EXPERIMENT_COLUMNS)
    assert row["first_night"] == "2026-11-02"
    assert row["own_label"] == "'=cmd|' /c calc'!A0"  # never a formula in a spreadsheet
    assert (row["block_nights"], row["pairs"], row["seed"]) == ("2", "6", "20261102")
    assert row["planned_last_night"] == "2026-11-25"
    assert row["verdict"] == "not enough nights yet"


def test_nights_csv_lists_nights_oldest_first_with_blanks_for_cramp_free_ones(alice, alice_client):
    for date in ["2026-11-03", "2026-11-01", "2026-11-02"]:
        make_night(alice, date)
    result = rows(alice_client.get(NIGHTS))
    assert [r["date"] for r in result] == ["2026-11-01", "2026-11-02", "2026-11-03"]
    first = result[0]
    assert [first["cramp_count"], first["worst_severity"], first["cramp_minutes"]] == ["0", "", "0"]


def test_nights_csv_keeps_to_the_period(alice, alice_client):
    for day in range(1, 6):
        make_night(alice, dt.date(2026, 11, day))
    result = rows(alice_client.get(NIGHTS + "?start=2026-11-02&end=2026-11-04"))
    assert [r["date"] for r in result] == ["2026-11-02", "2026-11-03", "2026-11-04"]
    only_start = rows(alice_client.get(NIGHTS + "?start=2026-11-04"))
    assert [r["date"] for r in only_start] == ["2026-11-04", "2026-11-05"]


def test_nights_csv_never_includes_another_users_nights(alice, bob, alice_client, bob_client):
    make_night(alice, "2026-11-20", notes="alice's night")
    make_episode(make_night(bob, "2026-11-20", notes="bob's night"), severity=9)
    make_night(bob, "2026-11-21", notes="bob's other night")
    result = rows(alice_client.get(NIGHTS))
    assert [(r["notes"], r["cramp_count"]) for r in result] == [("alice's night", "0")]
    assert "alice" not in body(bob_client.get(NIGHTS))


def test_nights_csv_is_a_streamed_uncached_attachment_named_for_its_period(alice_client):
    response = alice_client.get(NIGHTS + "?start=2026-09-01&end=2026-11-23")
    assert response.status_code == 200
    assert response.streaming is True
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="nightleg-nights-2026-09-01-to-2026-11-23.csv"'
    )
    assert response["Cache-Control"] == "no-store"
    assert b"".join(response.streaming_content).startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize(
    ("query", "filename"),
    [
        ("", "nightleg-episodes-all.csv"),
        ("?start=2026-09-01", "nightleg-episodes-from-2026-09-01.csv"),
        ("?end=2026-11-23", "nightleg-episodes-to-2026-11-23.csv"),
        ("?start=&end=", "nightleg-episodes-all.csv"),
    ],
)
def test_the_filename_says_which_period_it_covers(alice_client, query, filename):
    response = alice_client.get(EPISODES + query)
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


@pytest.mark.parametrize(
    "query",
    ["?start=01/09/2026", "?end=2026-02-30", "?start=20260901", "?start=2026-11-02&end=2026-11-01"],
)
@pytest.mark.parametrize("url", [NIGHTS, EPISODES])
def test_bad_dates_get_a_plain_400(alice_client, url, query):
    response = alice_client.get(url + query)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert b"YYYY-MM-DD" in response.content


def test_episodes_csv_lists_each_cramp_with_its_nights_date_in_order(alice, bob, alice_client):
    later = make_night(alice, "2026-11-21")
    earlier = make_night(alice, "2026-11-20")
    make_episode(later, at=dt.time(2, 0), severity=3)
    make_episode(earlier, at=None, muscle="foot", side="both", woke_me=True)
    make_episode(earlier, at=dt.time(4, 30), duration_minutes=None, severity=10)
    make_episode(earlier, at=dt.time(1, 15), side="right", duration_minutes=Decimal("0.5"))
    make_episode(make_night(bob, "2026-11-20"), severity=1)
    text = body(alice_client.get(EPISODES))
    assert text.startswith("\ufeff" + ",".join(csvio.EPISODE_COLUMNS) + "\r\n")
    assert text.removeprefix("\ufeff").split("\r\n")[1:] == [
        "2026-11-20,01:15,calf,right,5,0.5,FALSE",
        "2026-11-20,04:30,calf,left,10,,FALSE",
        "2026-11-20,,foot,both,5,1.5,TRUE",
        "2026-11-21,02:00,calf,left,3,1.5,FALSE",
        "",
    ]


def test_episodes_csv_keeps_to_the_period_of_its_nights(alice, alice_client):
    make_episode(make_night(alice, "2026-11-01"))
    make_episode(make_night(alice, "2026-11-02"))
    result = rows(alice_client.get(EPISODES + "?start=2026-11-02&end=2026-11-02"))
    assert [r["night_date"] for r in result] == ["2026-11-02"]


@pytest.mark.parametrize(("url", "queries"), [(NIGHTS, 5), (EPISODES, 4)])
def test_queries_stay_the_same_for_30_or_300_nights(
    alice, alice_client, django_assert_max_num_queries, url, queries
):
    for total in (30, 300):
        Night.objects.all().delete()
        many_nights(alice, total)
        # Session, user and profile (and the experiments, for the nights' plans), then a
        # single query for all the file's rows.
        with django_assert_max_num_queries(queries):
            assert len(rows(alice_client.get(url))) == total


def libreoffice(*args: str) -> None:
    """Run LibreOffice headless with its own throwaway profile, so runs never clash.

    Skips the test where LibreOffice is absent, unless NIGHTLEG_REQUIRE_LIBREOFFICE=1
    (as in CI), where a missing LibreOffice is a failure.
    """
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("NIGHTLEG_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("NIGHTLEG_REQUIRE_LIBREOFFICE=1 but LibreOffice is not installed")
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = Path(tempfile.gettempdir()) / f"lo-{uuid.uuid4().hex}"
    try:
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", *args],
            check=True,
            capture_output=True,
            timeout=180,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)


_XLSX = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _column(ref: str) -> str:
    return ref.rstrip("0123456789")


def _sheet(path) -> dict[int, dict[str, tuple[str, str, bool]]]:
    """Rows of the first sheet: {row: {header: (cell type, value, is a formula)}}."""
    with zipfile.ZipFile(path) as xlsx:
        names = xlsx.namelist()
        shared = []
        if "xl/sharedStrings.xml" in names:
            for item in ElementTree.fromstring(xlsx.read("xl/sharedStrings.xml")):
                shared.append("".join(t.text or "" for t in item.iter(f"{_XLSX}t")))
        sheet = ElementTree.fromstring(xlsx.read("xl/worksheets/sheet1.xml"))
    table: dict[int, dict[str, tuple[str, str, bool]]] = {}
    for row in sheet.iter(f"{_XLSX}row"):
        cells = {}
        for cell in row.iter(f"{_XLSX}c"):
            kind = cell.get("t", "n")
            v = cell.find(f"{_XLSX}v")
            if kind == "s":
                value = shared[int(v.text)]
            elif kind == "inlineStr":
                value = "".join(t.text or "" for t in cell.iter(f"{_XLSX}t"))
            else:
                value = v.text if v is not None else ""
            cells[_column(cell.get("r"))] = (kind, value, cell.find(f"{_XLSX}f") is not None)
        table[int(row.get("r"))] = cells
    header = {col: value for col, (_, value, _) in table.pop(1).items()}
    return {n: {header[col]: cell for col, cell in cells.items()} for n, cells in table.items()}


def test_libreoffice_opens_formula_like_notes_as_text(alice, alice_client, tmp_path):
    notes = [
        "=1+1",
        "+1+1",
        "-1+1",
        "@SUM(1;2)",
        '=HYPERLINK("https://example.com";"click")',
        "\t=1+1",
        "\r=1+1",
        "\n=1+1",
        "  =1+1",
        "=cmd|' /C calc'!A0",
    ]
    for day, note in enumerate(notes, start=1):
        night = make_night(
            alice, dt.date(2026, 10, day), stretch_minutes=10, alcohol_drinks=Decimal("1.5")
        )
        Night.objects.filter(pk=night.pk).update(notes=note)  # as typed, whitespace and all
        make_episode(night, duration_minutes=Decimal("2.5"))
    (tmp_path / "nights.csv").write_bytes(b"".join(alice_client.get(NIGHTS).streaming_content))
    # The same options must turn an unprotected formula into a formula, or this test
    # would pass without proving anything.
    (tmp_path / "control.csv").write_bytes(b"notes,n\r\n=1+1,2\r\n")
    libreoffice(
        "--infilter=CSV:44,34,76,1",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(tmp_path),
        str(tmp_path / "nights.csv"),
        str(tmp_path / "control.csv"),
    )

    control = _sheet(tmp_path / "control.xlsx")
    assert control[2]["notes"][2], "LibreOffice no longer evaluates formulas in CSV files"

    sheet = _sheet(tmp_path / "nights.xlsx")
    assert len(sheet) == len(notes)
    for n, note in enumerate(notes, start=2):
        kind, value, formula = sheet[n]["notes"]
        assert (kind, formula) in {("s", False), ("inlineStr", False)}, note
        assert value == "'" + note.replace("\r", "\n")  # xlsx keeps only \n line breaks
        for column, number in [
            ("stretch_minutes", 10),
            ("alcohol_drinks", 1.5),
            ("cramp_count", 1),
            ("cramp_minutes", 2.5),
        ]:
            kind, value, formula = sheet[n][column]
            assert (kind, float(value), formula) == ("n", number, False), column
