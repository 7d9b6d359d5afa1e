from journal.views.accounts import settings_view, signup
from journal.views.nights import history, home, night_delete, night_edit, night_new, routine

__all__ = [
    "history",
    "home",
    "night_delete",
    "night_edit",
    "night_new",
    "routine",
    "settings_view",
    "signup",
]
