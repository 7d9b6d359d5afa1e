"""Import timed against its floor: the same rows written with bulk_create alone.

For each size, three cases in the same rounds: the preview (GET /import/?token=…, which
checks every row), the confirm (POST, which checks every row again and writes them) and
the floor (the rows the import would write, as unsaved instances, inserted with
bulk_create in one transaction: no parsing, no checking, no request). Each starts from an
empty journal; the upload itself is made, untimed, before each preview and confirm.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from bench.data import import_files, person
from bench.measure import Case
from journal import importing
from journal.models import CrampEpisode, Night, Profile

URL = "/import/"


class Importer:
    """A person with an empty journal and one journal's files to import, ``years`` long."""

    def __init__(self, user, years: int) -> None:
        self.user = user
        self.years = years
        self.client = Client()
        self.client.force_login(user)
        nights, episodes = import_files(years)
        self.files = {"nights": nights.encode(), "episodes": episodes.encode()}
        self.token = ""

    def upload(self) -> None:
        files = {k: SimpleUploadedFile(f"{k}.csv", v, "text/csv") for k, v in self.files.items()}
        response = self.client.post(URL, files)
        assert response.status_code == 302, response.content[-2000:]
        self.token = parse_qs(urlsplit(response["Location"]).query)["token"][0]

    def preview(self) -> None:
        response = self.client.get(URL, {"token": self.token})
        assert b"Confirm import" in response.content, "the whole file is importable"

    def confirm(self) -> None:
        response = self.client.post(URL, {"token": self.token, "on_existing": "skip"})
        assert response.status_code == 302, response.content[-2000:]

    def empty(self) -> None:
        Night.objects.filter(user=self.user).delete()

    def cases(self) -> list[Case]:
        rows: dict[str, importing.Plan] = {}

        def plan() -> None:
            text = {k: v.decode("utf-8-sig") for k, v in self.files.items()}
            tz = Profile.objects.get(user=self.user).tzinfo
            rows["plan"] = importing.plan(self.user, tz, text["nights"], text["episodes"])

        def insert() -> None:
            found = rows.pop("plan")
            with transaction.atomic():
                nights = Night.objects.bulk_create(found.nights)
                by_date = {night.date: night for night in nights}
                for date, episode in found.episodes:
                    episode.night = by_date[date]
                CrampEpisode.objects.bulk_create([e for _, e in found.episodes])

        name = f"{self.years}y"
        return [
            Case(f"import_preview_{name}", run=self.preview, prepare=self.upload),
            Case(f"import_confirm_{name}", run=self.confirm, prepare=self.upload, after=self.empty),
            Case(f"floor_bulk_create_{name}", run=insert, prepare=plan, after=self.empty),
        ]


def importers(years: tuple[int, ...]) -> list[Importer]:
    return [Importer(person(f"importer-{n}"), n) for n in years]
