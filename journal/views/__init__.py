from journal.views.accounts import settings_view, signup
from journal.views.nights import history, home, night_delete, night_edit, night_new, routine
from journal.views.reports import chart, reports

__all__ = [
    "chart",
    "history",
    "home",
    "night_delete",
    "night_edit",
    "night_new",
    "reports",
    "routine",
    "settings_view",
    "signup",
]
