from journal.views.account import account, account_delete, account_download
from journal.views.appearance import set_theme
from journal.views.experiments import (
    experiment,
    experiment_delete,
    experiment_new,
    experiment_stop,
    experiments,
)
from journal.views.exports import (
    export_episodes,
    export_experiments,
    export_nights,
    export_page,
)
from journal.views.health import healthz
from journal.views.imports import import_csv
from journal.views.nights import history, home, night_delete, night_edit, night_new
from journal.views.offline import logout, manifest, service_worker
from journal.views.profile import (
    login_view,
    password_change,
    password_reset,
    settings_view,
    signup,
)
from journal.views.reminders import reminder_calendar_file, reminder_unsubscribe, reminders
from journal.views.reports import chart, reports
from journal.views.routine import routine, routine_done, routine_drinks
from journal.views.share import (
    share_new,
    share_revoke,
    shared_chart,
    shared_episodes,
    shared_nights,
    shared_summary,
)
from journal.views.summary import summary

__all__ = [
    "account",
    "account_delete",
    "account_download",
    "chart",
    "experiment",
    "experiment_delete",
    "experiment_new",
    "experiment_stop",
    "experiments",
    "export_episodes",
    "export_experiments",
    "export_nights",
    "export_page",
    "healthz",
    "history",
    "home",
    "import_csv",
    "login_view",
    "logout",
    "manifest",
    "night_delete",
    "night_edit",
    "night_new",
    "password_change",
    "password_reset",
    "reminder_calendar_file",
    "reminder_unsubscribe",
    "reminders",
    "reports",
    "routine",
    "routine_done",
    "routine_drinks",
    "service_worker",
    "set_theme",
    "settings_view",
    "share_new",
    "share_revoke",
    "shared_chart",
    "shared_episodes",
    "shared_nights",
    "shared_summary",
    "signup",
    "summary",
]
