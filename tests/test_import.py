"""CSV import: /import/ (upload, preview, confirm)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.data import import_files
from journal import csvio
from journal.models import CrampEpisode, Night, PendingImport
from tests.conftest import (
    NIGHT_VALUES,
    PASSWORD,
    make_episode,
    make_experiment,
    make_night,
    make_user,
)
from tests.test_export import libreoffice

URL = "/import/"
pytestmark = pytest.mark.django_db

NIGHT = {
    "date": "2026-11-20",
    **NIGHT_VALUES,
    "cramp_count": "0",
    "worst_severity": "",
    "cramp_minutes": "0",
} | dict.fromkeys(csvio.BOOLEAN_COLUMNS - {"woke_me"}, "FALSE")
EPISODE = {
    "night_date": "2026-11-20",
    "at": "03:15",
    "muscle": "calf",
    "side": "left",
    "severity": "6",
    "duration_minutes": "1.5",
    "woke_me": "TRUE",
}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC), tick=False):
        yield


def csv_file(columns, rows: list[dict], bom: bool = True) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def nights_file(*rows: dict, bom: bool = True) -> bytes:
    return csv_file(csvio.NIGHT_COLUMNS, [NIGHT | r for r in rows], bom)


def episodes_file(*rows: dict) -> bytes:
    return csv_file(csvio.EPISODE_COLUMNS, [EPISODE | r for r in rows])


def upload(
    client: Client, nights: bytes, episodes: bytes | None = None, experiments: bytes | None = None
):
    data = {"nights": SimpleUploadedFile("nights.csv", nights, "text/csv")}
    if episodes is not None:
        data["episodes"] = SimpleUploadedFile("episodes.csv", episodes, "text/csv")
    if experiments is not None:
        data["experiments"] = SimpleUploadedFile("experiments.csv", experiments, "text/csv")
    return client.post(URL, data)


def preview(
    client: Client, nights: bytes, episodes: bytes | None = None, experiments: bytes | None = None
):
    """Upload the files; return the confirm token and the preview page."""
    response = upload(client, nights, episodes, experiments)
    assert response.status_code == 302, response.content.decode()
    token = parse_qs(urlsplit(response["Location"]).query)["token"][0]
    return token, client.get(response["Location"])


def confirm(client: Client, token: str, on_existing: str = "skip"):
    return client.post(URL, {"token": token, "on_existing": on_existing, "confirm": "1"})


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_it_requires_login(client):
    assert client.get(URL)["Location"].startswith("/accounts/login/")
    response = client.post(URL, {"token": "x", "confirm": "1"})
    assert response["Location"].startswith("/accounts/login/")


def test_the_upload_page_explains_both_files(alice_client):
    html = alice_client.get(URL).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'for="id_nights"' in html
    assert 'for="id_episodes"' in html
    assert "nightleg-nights-….csv" in html
    assert "Nothing is saved until you confirm it." in html


def test_a_valid_upload_shows_a_preview_and_saves_nothing(alice, alice_client):
    nights = nights_file({"date": "2026-11-19"}, {"date": "2026-11-20"}, {"date": "2026-11-21"})
    episodes = episodes_file({"night_date": "2026-11-20"}, {"night_date": "2026-11-21"})
    token, page = preview(alice_client, nights, episodes)
    html = page.content.decode()
    assert "3 new nights</strong> and <strong>2 cramps</strong> will be added" in html
    assert f'name="token" value="{token}"' in html
    assert "Confirm import" in html
    assert not Night.objects.exists()


def test_confirming_adds_the_nights_and_cramps_to_the_owners_journal(alice, bob, alice_client):
    nights = nights_file(
        {"date": "2026-11-19", "notes": "'=1+1", "stretch_calf_wall": "yes"},
        {"date": "2026-11-20", "alcohol_drinks": "1.5", "last_alcohol_at": "21:00:00"},
        bom=False,
    )
    episodes = episodes_file(
        {"night_date": "2026-11-20", "severity": "8"},
        {"night_date": "2026-11-20", "at": "", "duration_minutes": "", "woke_me": "0"},
    )
    token, _ = preview(alice_client, nights, episodes)
    response = confirm(alice_client, token)
    assert response["Location"] == "/nights/"
    assert messages_of(response) == ["Imported 2 nights and 2 cramps."]
    first, second = Night.objects.filter(user=alice).order_by("date")
    assert (first.notes, first.stretch_calf_wall, first.stretch_hamstring) == ("=1+1", True, False)
    assert (second.alcohol_drinks, second.last_alcohol_at) == (Decimal("1.5"), dt.time(21))
    assert [(e.severity, e.at, e.woke_me) for e in second.episodes.order_by("id")] == [
        (8, dt.time(3, 15), True),
        (6, None, False),
    ]
    assert not Night.objects.filter(user=bob).exists()


def test_nights_can_be_imported_without_a_cramps_file(alice, alice_client):
    token, page = preview(alice_client, nights_file({}))
    html = page.content.decode()
    assert "No cramps file" in html
    confirm(alice_client, token)
    assert Night.objects.get(user=alice).date == dt.date(2026, 11, 20)


@pytest.mark.parametrize(
    ("nights", "episodes", "where", "problem"),
    [
        ([{"date": "20/11/2026"}], [], "Nights · 2", "date: “20/11/2026” isn’t a date written"),
        ([{"date": "2026-11-25"}], [], "Nights · 2", "That night hasn’t happened yet"),
        (
            [{}, {"date": "2026-11-21", "stretch_minutes": "601"}],
            [],
            "Nights · 3",
            "stretch_minutes: Stretching must be between 0 and 600 minutes.",
        ),
        ([{"electrolytes": "maybe"}], [], "Nights · 2", "electrolytes: “maybe” isn’t TRUE"),
        ([{}, {}], [], "Nights · 3", "date: 2026-11-20 is already on line 2."),
        ([{}], [{"muscle": "elbow"}], "Cramps · 2", "muscle: Select a valid choice."),
        ([{}], [{}, {"severity": "11"}], "Cramps · 3", "severity: Severity must be between 0"),
        (
            [{}],
            [{"night_date": "2026-11-10"}],
            "Cramps · 2",
            "night_date: there’s no night of 2026-11-10 in the nights file or in your journal.",
        ),
    ],
)
def test_each_bad_row_is_listed_with_its_line_and_nothing_can_be_confirmed(
    alice, alice_client, nights, episodes, where, problem
):
    token, page = preview(
        alice_client, nights_file(*nights), episodes_file(*episodes) if episodes else None
    )
    html = page.content.decode()
    file, line = where.split(" · ")
    assert (
        f'<td>{file}</td>\n          <th scope="row" class="text-end fw-normal">{line}</th>' in html
    )
    assert problem in html
    assert "Confirm import" not in html
    response = confirm(alice_client, token)
    assert response.status_code == 200
    assert not Night.objects.exists()


def test_line_numbers_count_the_lines_of_multi_line_notes(alice_client):
    nights = nights_file({"notes": "one\r\ntwo\r\nthree"}, {"date": "2026-11-30"})
    _, page = preview(alice_client, nights)
    assert [r.line for r in page.context["bad_rows"]] == [5]


@pytest.mark.parametrize(
    ("field", "content", "error"),
    [
        ("nights", b"date,bedtime\r\n2026-11-20,22:30\r\n", "lacks these columns: stretch"),
        ("nights", episodes_file({}), "This looks like a cramps file, not a nights file."),
        ("episodes", nights_file({}), "This looks like a nights file, not a cramps file."),
        ("nights", "date,notes\r\nCrème".encode("latin-1"), "isn’t UTF-8 text"),
        ("nights", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "isn’t UTF-8 text"),
        ("nights", b"", "The submitted file is empty."),
    ],
)
def test_a_file_that_is_not_a_nightleg_csv_gets_a_clear_error(
    alice, alice_client, field, content, error
):
    files = {"nights": nights_file({}), "episodes": episodes_file({})} | {field: content}
    response = upload(alice_client, files["nights"], files["episodes"])
    assert response.status_code == 200
    assert error in response.content.decode()
    assert response.context["form"].errors[field]
    assert "journal_import" not in alice_client.session


def test_a_file_over_10_mb_is_refused(alice_client):
    big = nights_file({}) + b"," * (10 * 1024 * 1024)
    response = upload(alice_client, big)
    assert "the limit is 10 MB" in response.content.decode()
    assert "journal_import" not in alice_client.session
    assert not PendingImport.objects.exists()


def test_a_header_naming_too_many_columns_is_refused_before_any_row(alice_client):
    # 60,000 extra names once took 30 s in a quadratic duplicate check, then a 500.
    header = ",".join([*csvio.NIGHT_COLUMNS, *(f"extra{i}" for i in range(60_000))])
    response = upload(alice_client, f"{header}\r\n".encode())
    assert response.status_code == 200
    names = len(csvio.NIGHT_COLUMNS) + 60_000
    assert f"names {names:,} columns, and at most 100 are read: is this the nights file" in (
        response.content.decode()
    )
    assert not PendingImport.objects.exists()


def test_a_header_naming_a_column_twice_is_refused():
    header = ",".join([*csvio.NIGHT_COLUMNS, "notes", "bedtime", "notes"])
    with pytest.raises(csvio.CsvError, match=r"names these columns twice: bedtime, notes\."):
        csvio.read_nights(header + "\r\n")


@pytest.mark.parametrize(
    ("reader", "columns", "row", "most"),
    [
        (csvio.read_nights, csvio.NIGHT_COLUMNS, NIGHT, 20_000),
        (csvio.read_episodes, csvio.EPISODE_COLUMNS, EPISODE, 100_000),
    ],
)
def test_a_50_year_journal_fits_and_one_row_more_is_refused(reader, columns, row, most):
    line = csv_file(columns, [row], bom=False).decode().split("\r\n")[1] + "\r\n"
    text = ",".join(columns) + "\r\n" + line * most
    assert len(reader(text)) == most
    with pytest.raises(csvio.CsvError, match=f"more than {most:,} rows, the most one import"):
        reader(text + line)


def test_a_row_longer_than_any_night_needs_is_refused_with_its_line():
    text = csvio.decode(nights_file({}, {"date": "2026-11-21", "notes": "x" * 10_001}))
    with pytest.raises(csvio.CsvError, match="The row on line 3 is longer than 10,000"):
        csvio.read_nights(text)
    assert csvio.read_nights(csvio.decode(nights_file({"notes": "x" * 2000})))


def test_no_query_per_row(alice, alice_client):
    def queries(nights: int) -> int:
        dates = [dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(nights)]
        files = nights_file(*({"date": d.isoformat()} for d in dates))
        cramps = episodes_file(*({"night_date": d.isoformat()} for d in dates))
        token = parse_qs(urlsplit(upload(alice_client, files, cramps)["Location"]).query)["token"]
        with CaptureQueriesContext(connection) as preview_queries:
            assert alice_client.get(f"{URL}?token={token[0]}").status_code == 200
        with CaptureQueriesContext(connection) as confirm_queries:
            assert confirm(alice_client, token[0]).status_code == 302
        Night.objects.filter(user=alice).delete()
        return len(preview_queries), len(confirm_queries)

    (preview_10, confirm_10), (preview_200, confirm_200) = queries(10), queries(200)
    assert preview_10 == preview_200
    # Bulk inserts: a few more batches for 20 times the rows, not a query per row.
    assert confirm_200 < confirm_10 + 10


def test_a_20_year_journal_imports_through_the_view(alice, alice_client):
    nights, episodes = (text.encode() for text in import_files(20))
    cramps = episodes.count(b"\r\n") - 1
    assert cramps > 14_000
    token, page = preview(alice_client, nights, episodes)
    assert f"7300 new nights</strong> and <strong>{cramps} cramps</strong> will be added" in (
        page.content.decode()
    )
    assert messages_of(confirm(alice_client, token)) == [
        f"Imported 7300 nights and {cramps} cramps."
    ]
    assert Night.objects.filter(user=alice).count() == 7300
    assert CrampEpisode.objects.filter(night__user=alice).count() == cramps


def test_the_upload_waits_outside_the_session(alice, alice_client):
    nights, episodes = (text.encode() for text in import_files(5))
    token, _ = preview(alice_client, nights, episodes)
    session = Session.objects.get(pk=alice_client.session.session_key)
    assert len(session.session_data) < 1000, "a few hundred bytes, not the files"
    kept = PendingImport.objects.get(user=alice)
    assert kept.nights == nights.decode("utf-8-sig")
    assert token not in kept.token_hash, "only a hash of the token is stored"


def test_another_session_of_the_same_person_cannot_reach_the_upload(alice, alice_client):
    token, _ = preview(alice_client, nights_file({}))
    other_device = Client()
    other_device.force_login(alice)
    assert "Ready to import" not in other_device.get(f"{URL}?token={token}").content.decode()
    assert "no longer waiting" in messages_of(confirm(other_device, token))[0]
    assert not Night.objects.exists()


def test_a_new_upload_replaces_the_waiting_one(alice, alice_client):
    first, _ = preview(alice_client, nights_file({}))
    second, _ = preview(alice_client, nights_file({"date": "2026-11-21"}))
    assert PendingImport.objects.filter(user=alice).count() == 1
    assert "no longer waiting" in messages_of(confirm(alice_client, first))[0]
    confirm(alice_client, second)
    assert Night.objects.get(user=alice).date == dt.date(2026, 11, 21)


@pytest.mark.parametrize("how", ["confirm", "cancel", "logout", "delete account"])
def test_the_waiting_upload_is_deleted_when_it_is_done_with(alice, bob, alice_client, how):
    token, _ = preview(alice_client, nights_file({}))
    bob_client = Client()
    bob_client.force_login(bob)
    preview(bob_client, nights_file({}))
    if how == "confirm":
        confirm(alice_client, token)
    elif how == "cancel":
        alice_client.post(URL, {"token": token, "cancel": "1"})
    elif how == "logout":
        alice_client.post("/accounts/logout/")
    else:
        alice_client.post("/account/delete/", {"password": PASSWORD})
    assert not PendingImport.objects.filter(user__username="alice").exists()
    assert PendingImport.objects.filter(user=bob).exists(), "the outsider's upload stays"


def test_an_upload_is_not_kept_for_more_than_a_day(alice, alice_client):
    token, _ = preview(alice_client, nights_file({}))
    with time_machine.travel(dt.datetime(2026, 11, 25, 8, 1, tzinfo=dt.UTC), tick=False):
        assert "no longer waiting" in messages_of(alice_client.get(f"{URL}?token={token}"))[0]
        assert "no longer waiting" in messages_of(confirm(alice_client, token))[0]
        call_command("clear_pending_imports")
    assert not PendingImport.objects.exists()
    assert not Night.objects.exists()


def existing_night(user) -> Night:
    night = make_night(user, "2026-11-20", stretch_minutes=5, notes="logged by hand")
    make_episode(night, severity=9)
    return night


def test_replacing_a_nights_cramps_makes_it_a_new_version(alice, alice_client):
    night = existing_night(alice)
    before = night.updated_at
    with time_machine.travel(dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC), tick=False):
        token, _ = preview(alice_client, nights_file({"date": "2026-11-21"}), episodes_file({}))
        confirm(alice_client, token, on_existing="replace")
    night.refresh_from_db()
    assert night.updated_at > before, "an edit page opened before the import can't save over it"
    assert list(night.episodes.values_list("severity", flat=True)) == [6]


def test_the_preview_lists_dates_already_in_the_journal_with_a_choice(alice, alice_client):
    existing_night(alice)
    _, page = preview(alice_client, nights_file({}, {"date": "2026-11-21"}), episodes_file({}))
    html = page.content.decode()
    assert "1 night already in your journal" in html
    assert '<time datetime="2026-11-20">20 Nov 2026</time>' in html
    assert 'name="on_existing" value="skip"' in html
    assert 'name="on_existing" value="replace"' in html
    assert "1 new night</strong> and <strong>0 cramps</strong>" in html


def test_skipping_keeps_the_journals_version_of_a_night_and_its_cramps(alice, alice_client):
    existing = existing_night(alice)
    nights = nights_file({"stretch_minutes": "20"}, {"date": "2026-11-21"})
    episodes = episodes_file({"severity": "2"}, {"night_date": "2026-11-21"})
    token, _ = preview(alice_client, nights, episodes)
    response = confirm(alice_client, token, "skip")
    assert messages_of(response) == [
        "Imported 1 night and 1 cramp. Left 1 night already in your journal as they were."
    ]
    existing.refresh_from_db()
    assert (existing.stretch_minutes, existing.notes) == (5, "logged by hand")
    assert [e.severity for e in existing.episodes.all()] == [9]
    assert Night.objects.get(user=alice, date="2026-11-21").episodes.count() == 1


def test_replacing_overwrites_a_night_and_its_cramps(alice, alice_client):
    existing = existing_night(alice)
    nights = nights_file({"stretch_minutes": "20", "notes": "from the file"})
    token, _ = preview(alice_client, nights, episodes_file({"severity": "2"}, {"severity": "3"}))
    response = confirm(alice_client, token, "replace")
    assert "Replaced 1 night already in your journal." in messages_of(response)[0]
    existing.refresh_from_db()
    assert (existing.stretch_minutes, existing.notes) == (20, "from the file")
    assert sorted(e.severity for e in existing.episodes.all()) == [2, 3]
    assert Night.objects.filter(user=alice).count() == 1


def test_replacing_without_a_cramps_file_keeps_the_nights_cramps(alice, alice_client):
    existing = existing_night(alice)
    token, _ = preview(alice_client, nights_file({"stretch_minutes": "20"}))
    confirm(alice_client, token, "replace")
    existing.refresh_from_db()
    assert existing.stretch_minutes == 20
    assert [e.severity for e in existing.episodes.all()] == [9]


def test_a_cramps_file_alone_can_replace_a_journal_nights_cramps(alice, alice_client):
    existing = existing_night(alice)
    nights = nights_file({"date": "2026-11-21"})
    token, page = preview(alice_client, nights, episodes_file({"severity": "1"}))
    html = page.content.decode()
    assert "1 night already in your journal" in html
    confirm(alice_client, token, "replace")
    assert sorted(e.severity for e in existing.episodes.all()) == [1]


def test_another_users_nights_on_the_same_dates_are_never_touched(alice, bob, alice_client):
    bobs = existing_night(bob)
    token, page = preview(alice_client, nights_file({"stretch_minutes": "20"}), episodes_file({}))
    html = page.content.decode()
    assert "already in your journal" not in html
    confirm(alice_client, token, "replace")
    bobs.refresh_from_db()
    assert (bobs.stretch_minutes, bobs.notes) == (5, "logged by hand")
    assert [e.severity for e in bobs.episodes.all()] == [9]
    assert Night.objects.get(user=alice).stretch_minutes == 20


def test_confirm_checks_again_what_changed_since_the_preview(alice, alice_client):
    token, page = preview(alice_client, nights_file({"stretch_minutes": "20"}))
    html = page.content.decode()
    assert "already in your journal" not in html
    existing_night(alice)  # logged in another tab meanwhile
    confirm(alice_client, token)
    assert Night.objects.get(user=alice).stretch_minutes == 5


def test_a_failure_half_way_writes_nothing_at_all(alice, alice_client):
    nights = nights_file({}, {"date": "2026-11-21"})
    token, _ = preview(alice_client, nights, episodes_file({}))

    nights_written = []

    def fail_on_cramps(execute, sql, params, many, context):
        # The database refusing a row after the nights went in (say, a disk error).
        if sql.startswith('INSERT INTO "journal_crampepisode"'):
            nights_written.append(Night.objects.count())
            raise IntegrityError("refused")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail_on_cramps):
        response = confirm(alice_client, token)
    assert nights_written == [2]
    assert response.status_code == 200
    assert "nothing was saved" in response.content.decode()
    assert not Night.objects.exists()
    assert not CrampEpisode.objects.exists()
    # The upload is still waiting, so the person can try again.
    confirm(alice_client, token)
    assert Night.objects.filter(user=alice).count() == 2


def test_confirm_is_refused_without_a_csrf_token(alice, alice_client):
    token, _ = preview(alice_client, nights_file({}))
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = alice_client.cookies
    assert confirm(strict, token).status_code == 403
    assert not Night.objects.exists()


def test_a_token_from_another_users_session_cannot_be_used(alice, bob, alice_client, bob_client):
    token, _ = preview(alice_client, nights_file({}))
    response = confirm(bob_client, token)
    assert response["Location"] == URL
    assert "no longer waiting" in messages_of(response)[0]
    assert not Night.objects.exists()
    assert "Ready to import" not in bob_client.get(f"{URL}?token={token}").content.decode()
    confirm(alice_client, token)
    assert Night.objects.get().user == alice


def test_a_token_works_once(alice, alice_client):
    token, _ = preview(alice_client, nights_file({}))
    confirm(alice_client, token)
    response = confirm(alice_client, token)
    assert "no longer waiting" in messages_of(response)[-1]
    assert Night.objects.count() == 1


def test_cancelling_forgets_the_upload(alice_client):
    token, _ = preview(alice_client, nights_file({}))
    response = alice_client.post(URL, {"token": token, "cancel": "1"})
    assert response["Location"] == URL
    assert messages_of(response) == ["Import cancelled. Nothing was saved."]
    confirm(alice_client, token)
    assert not Night.objects.exists()


def a_varied_journal(user, line_break: str = "\r\n") -> None:
    first = make_night(
        user,
        "2026-10-01",
        bedtime=dt.time(23, 5),
        stretch_minutes=15,
        stretch_calf_wall=True,
        stretch_hip_flexor=True,
        caffeine_drinks=3,
        last_caffeine_at=dt.time(16, 45),
        alcohol_drinks=Decimal("2.5"),
        last_alcohol_at=dt.time(21, 30),
        water_glasses=8,
        electrolytes=True,
        relax_meditation=True,
        relaxation_minutes=20,
        sleep_quality=2,
        notes=f'=SUM(A1:A2), "quoted", crème brûlée{line_break}second line',
    )
    make_episode(first, at=dt.time(2, 10), severity=10, woke_me=True)
    make_episode(first, at=None, muscle="hamstring", side="both", duration_minutes=None)
    make_episode(first, at=dt.time(0, 5), severity=0, duration_minutes=Decimal("0.5"))
    make_night(user, "2026-10-02", notes="'tis the season")
    make_episode(make_night(user, "2026-10-03", notes="-tight calves"), side="right")
    make_night(user, "2026-10-04", sleep_quality=5, notes="@home, early night")


def export(client: Client) -> tuple[bytes, bytes]:
    return tuple(
        b"".join(client.get(f"/export/{kind}.csv").streaming_content)
        for kind in ("nights", "episodes")
    )


def import_as_carol(nights: bytes, episodes: bytes, experiments: bytes | None = None) -> Client:
    carol = Client()
    carol.force_login(make_user("carol"))
    token, _ = preview(carol, nights, episodes, experiments)
    assert confirm(carol, token)["Location"] == "/nights/"
    return carol


def test_export_then_import_into_an_empty_account_exports_the_same_bytes(alice, alice_client):
    a_varied_journal(alice)
    files = export(alice_client)
    assert export(import_as_carol(*files)) == files


def test_files_saved_again_by_a_spreadsheet_import_to_the_same_journal(
    alice, alice_client, tmp_path
):
    # LibreOffice saves times as 10:25:00 PM, quotes every text cell and drops the BOM.
    a_varied_journal(alice, line_break="\n")
    files = export(alice_client)
    for name, content in zip(("nights.csv", "episodes.csv"), files, strict=True):
        (tmp_path / name).write_bytes(content)
    csv_options = "44,34,76,1"
    libreoffice(
        f"--infilter=CSV:{csv_options}",
        "--convert-to",
        f"csv:Text - txt - csv (StarCalc):{csv_options}",
        "--outdir",
        str(tmp_path / "saved"),
        str(tmp_path / "nights.csv"),
        str(tmp_path / "episodes.csv"),
    )
    saved = tuple((tmp_path / "saved" / n).read_bytes() for n in ("nights.csv", "episodes.csv"))
    assert saved != files
    assert export(import_as_carol(*saved)) == files


def test_a_night_can_hold_at_most_30_cramps(alice, alice_client):
    cramps = [{"severity": "3"}] * 31
    token, page = preview(alice_client, nights_file({}), episodes_file(*cramps))
    html = page.content.decode()
    assert "more than 30 cramps for the night of 2026-11-20" in html
    assert "Confirm import" not in html
    confirm(alice_client, token)
    assert not Night.objects.exists()


def test_an_import_that_replaces_cramps_redraws_the_charts(alice, alice_client):
    existing_night(alice)
    chart = "/reports/charts/cramps.svg?period=4"
    before = alice_client.get(chart).content
    nights = nights_file({"date": "2026-11-21"})
    token, _ = preview(alice_client, nights, episodes_file({"severity": "1"}, {"severity": "2"}))
    confirm(alice_client, token, "replace")
    assert alice_client.get(chart).content != before


# ---- Experiments ---------------------------------------------------------------------------

EXPERIMENT = {
    "first_night": "2026-10-01",
    "habit": "stretch",
    "own_label": "",
    "block_nights": "2",
    "pairs": "6",
    "wash_in_nights": "0",
    "seed": "12345",
    "stopped_after": "",
}


def experiments_file(*rows: dict) -> bytes:
    return csv_file(csvio.EXPERIMENT_INPUTS, [EXPERIMENT | r for r in rows])


def test_an_experiment_comes_back_with_its_nights_answers_and_results(alice, alice_client):
    experiment = make_experiment(alice, "2026-10-01", habit="own", own_label="=magnesium")
    for planned in experiment.design.schedule()[:10]:
        make_night(alice, planned.date, experiment_done=planned.test)
    files = (*export(alice_client), _experiments(alice_client))
    carol = import_as_carol(*files)
    assert (*export(carol), _experiments(carol)) == files


def _experiments(client: Client) -> bytes:
    return b"".join(client.get("/export/experiments.csv").streaming_content)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ({"first_night": "9999-12-20"}, "first_night: The first night must be between"),
        ({"first_night": "0001-01-01"}, "first_night: The first night must be between"),
        ({"stopped_after": "2027-06-01"}, "stopped_after: It must be between the first night"),
        (  # a stop is in the past: last night, 23 November, at the latest
            {"first_night": "2026-11-20", "stopped_after": "2026-11-30"},
            "stopped_after: It must be between the first night and 2026-11-23.",
        ),
        ({"pairs": "100", "block_nights": "7"}, "at most 182 nights"),
        ({"habit": "own"}, "own_label: Give the thing you want to test a short name."),
        ({"wash_in_nights": "2"}, "wash_in_nights: Leave at least one night"),
        ({"seed": "-1"}, "seed:"),
    ],
)
def test_a_bad_experiment_row_is_a_problem_on_the_preview_not_an_error(
    alice, alice_client, row, problem
):
    _, page = preview(alice_client, nights_file({}), None, experiments_file(row))
    assert page.status_code == 200
    (bad,) = page.context["plan"].bad_rows
    assert bad.file == "experiments"
    assert any(p.startswith(problem) or problem in p for p in bad.problems), bad.problems


def test_only_one_experiment_may_be_running_or_to_come(alice, alice_client):
    make_experiment(alice, "2026-11-20", block_nights=1)  # running, to 1 December
    future = {"first_night": "2026-12-05", "seed": "9"}
    _, page = preview(alice_client, nights_file({}), None, experiments_file(future))
    (bad,) = page.context["plan"].bad_rows
    assert "still running or to come" in bad.problems[0]


def test_an_experiment_already_in_the_journal_is_left_as_it_is(alice, alice_client):
    make_experiment(alice, "2026-10-01", seed=12345)
    _, page = preview(alice_client, nights_file({}), None, experiments_file({}))
    plan = page.context["plan"]
    assert (plan.known_experiments, plan.experiments, plan.bad_rows) == (1, [], [])
