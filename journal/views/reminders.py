"""The morning reminder: its settings, its calendar file and the unsubscribe link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from journal.forms import ReminderForm
from journal.models import Reminder
from journal.reminder_calendar import reminder_calendar
from journal.reminder_mail import user_pk_from_token


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def reminders(request: HttpRequest) -> HttpResponse:
    reminder = Reminder.objects.filter(user=request.user).first() or Reminder(user=request.user)
    if request.method == "POST":
        form = ReminderForm(request.POST, instance=reminder, user=request.user)
        if form.is_valid():
            reminder = form.save(commit=False)
            if reminder.enabled:
                reminder.schedule_next(timezone.now(), request.profile.tzinfo)
            else:
                reminder.next_due = reminder.night = None
            form.save()
            if reminder.enabled:
                when = timezone.localtime(reminder.next_due, request.profile.tzinfo)
                messages.success(request, f"Reminders on. The next one: {when:%A} at {when:%H:%M}.")
            else:
                messages.success(request, "Reminders off.")
            return redirect("journal:reminders")
    else:
        form = ReminderForm(instance=reminder, user=request.user)
    return render(request, "journal/reminders.html", {"form": form, "reminder": reminder})


@login_required
@require_GET
def reminder_calendar_file(request: HttpRequest) -> HttpResponse:
    reminder = Reminder.objects.filter(user=request.user).first() or Reminder(user=request.user)
    ics = reminder_calendar(
        # The same for every download, so importing it again updates the event.
        uid=salted_hmac("nightleg.reminders.calendar", str(request.user.pk)).hexdigest()
        + "@nightleg",
        at=reminder.at,
        days=reminder.days,
        tz=request.profile.tzinfo,
        log_url=request.build_absolute_uri(reverse("journal:night-new")),
        now=timezone.now(),
    )
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="nightleg-reminder.ics"'
    return response


def _unsubscribing(token: str) -> User:
    pk = user_pk_from_token(token)
    user = User.objects.filter(pk=pk, is_active=True).first() if pk is not None else None
    if user is None:
        raise Http404("No such link")
    return user


# Works without signing in, from the mail: the signed token is the permission. No CSRF
# check either, since RFC 8058's one-click POST comes from the mail program itself; the
# worst a forged POST could do with a stolen link is stop someone's reminders.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def reminder_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user = _unsubscribing(token)
    if request.method == "POST":
        Reminder.objects.filter(user=user).update(enabled=False, next_due=None, night=None)
        return render(request, "journal/reminder_unsubscribed.html")
    return render(request, "journal/reminder_unsubscribe.html", {"token": token})
