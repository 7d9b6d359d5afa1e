from __future__ import annotations

import datetime as dt

from django.urls import path, register_converter

from journal import views


class IsoDateConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> dt.date:
        return dt.date.fromisoformat(value)  # ValueError (e.g. 2026-02-30) becomes a 404

    def to_url(self, value: dt.date | str) -> str:
        return value if isinstance(value, str) else value.isoformat()


register_converter(IsoDateConverter, "isodate")

app_name = "journal"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("nights/", views.history, name="history"),
    path("nights/new/", views.night_new, name="night-new"),
    path("nights/<isodate:date>/", views.night_edit, name="night-edit"),
    path("nights/<isodate:date>/delete/", views.night_delete, name="night-delete"),
    path("reports/", views.reports, name="reports"),
    path("reports/charts/<slug:name>.svg", views.chart, name="chart"),
    path("summary/", views.summary, name="summary"),
    path("summary/share/", views.share_new, name="share-new"),
    path("settings/shares/<int:pk>/revoke/", views.share_revoke, name="share-revoke"),
    # A clinician's read-only link: any token reaches the view, which answers every one
    # that does not open with the same 404 (journal.views.share).
    path("s/<str:token>/", views.shared_summary, name="shared"),
    path("s/<str:token>/nights.csv", views.shared_nights, name="shared-nights"),
    path("s/<str:token>/episodes.csv", views.shared_episodes, name="shared-episodes"),
    path("s/<str:token>/charts/<slug:name>.svg", views.shared_chart, name="shared-chart"),
    path("export/", views.export_page, name="export"),
    path("export/nights.csv", views.export_nights, name="export-nights"),
    path("export/episodes.csv", views.export_episodes, name="export-episodes"),
    path("export/experiments.csv", views.export_experiments, name="export-experiments"),
    path("import/", views.import_csv, name="import"),
    path("account/", views.account, name="account"),
    path("account/download.zip", views.account_download, name="account-download"),
    path("account/delete/", views.account_delete, name="account-delete"),
    path("experiments/", views.experiments, name="experiments"),
    path("experiments/new/", views.experiment_new, name="experiment-new"),
    path("experiments/<int:pk>/", views.experiment, name="experiment"),
    path("experiments/<int:pk>/stop/", views.experiment_stop, name="experiment-stop"),
    path("experiments/<int:pk>/delete/", views.experiment_delete, name="experiment-delete"),
    path("routine/", views.routine, name="routine"),
    path("routine/done/", views.routine_done, name="routine-done"),
    path("routine/drinks/", views.routine_drinks, name="routine-drinks"),
    path("settings/", views.settings_view, name="settings"),
    path("settings/reminders/", views.reminders, name="reminders"),
    path(
        "settings/reminders/calendar.ics",
        views.reminder_calendar_file,
        name="reminder-calendar",
    ),
    path(
        "reminders/unsubscribe/<str:token>/",
        views.reminder_unsubscribe,
        name="reminder-unsubscribe",
    ),
    path("appearance/", views.set_theme, name="theme"),
]
