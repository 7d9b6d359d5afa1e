from __future__ import annotations

from django.contrib import admin

from journal.models import CrampEpisode, Experiment, Night, Profile, Reminder


class CrampEpisodeInline(admin.TabularInline):
    model = CrampEpisode
    extra = 0


@admin.register(Night)
class NightAdmin(admin.ModelAdmin):
    list_display = ["date", "user", "stretch_minutes", "caffeine_drinks", "alcohol_drinks"]
    list_filter = ["date"]
    search_fields = ["user__username"]
    date_hierarchy = "date"
    raw_id_fields = ["user"]
    inlines = [CrampEpisodeInline]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name", "time_zone"]
    search_fields = ["user__username", "display_name"]


@admin.register(Experiment)
class ExperimentAdmin(admin.ModelAdmin):
    list_display = ["start", "user", "habit", "block_nights", "pairs", "stopped_after"]
    list_filter = ["habit"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]
    # The plan and its seed are the randomisation: changing them would break the analysis.
    readonly_fields = ["habit", "own_label", "start", "block_nights", "pairs", "wash_in", "seed"]

    def has_add_permission(self, request) -> bool:
        return False  # a plan is drawn by the planner, never typed in


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    # Failures in a row show a mail server, or an address, that refuses the reminders.
    list_display = ["user", "enabled", "at", "next_due", "night", "failures"]
    list_filter = ["enabled"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]
    readonly_fields = ["next_due", "night", "failures"]  # send_reminders keeps these
