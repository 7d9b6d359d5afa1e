"""Sign-up, sign-in, password change and personal settings (Django's own views, with
journal.auth's throttling, handle the rest of /accounts/)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from journal import sharing
from journal.auth import remember_device
from journal.forms import PasswordChangeForm, ProfileForm, SignupForm
from journal.models import ShareLink

log = logging.getLogger("nightleg.auth")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    profile = request.profile
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=profile)
        if form.is_valid():
            form.save()
            messages.success(request, "Settings saved.")
            return redirect("journal:settings")
    else:
        form = ProfileForm(instance=profile)
    links = ShareLink.objects.for_user(request.user).order_by("-created")
    share_links = [(link, sharing.is_open(link)) for link in links.select_related("user")]
    return render(request, "journal/settings.html", {"form": form, "share_links": share_links})


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("journal:home")
    if request.method == "POST":
        form = SignupForm(request.POST)
        if form.is_valid():
            user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome to Nightleg. Log last night to get started.")
            response = redirect("journal:night-new")
            remember_device(response, user)
            return response
    else:
        form = SignupForm()
    return render(request, "registration/signup.html", {"form": form})


class _LoginView(auth_views.LoginView):
    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        # This browser may sign in to this account even while someone elsewhere is
        # guessing at it (see journal.auth).
        remember_device(response, form.get_user())
        return response


class _PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm

    def get_form_kwargs(self) -> dict:
        return super().get_form_kwargs() | {"request": self.request}


login_view = _LoginView.as_view()
password_change = _PasswordChangeView.as_view()


class _PasswordResetView(auth_views.PasswordResetView):
    """Django's, refusing to "send" a link when there is no mail server to send it."""

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(**kwargs) | {
            "reset_by_mail": settings.PASSWORD_RESET_BY_MAIL
        }

    def form_valid(self, form) -> HttpResponse:
        if settings.PASSWORD_RESET_BY_MAIL:
            return super().form_valid(form)
        log.warning("password reset refused: no mail server is configured (set EMAIL_HOST)")
        form.add_error(None, "No email was sent: this server can’t send email yet.")
        return self.form_invalid(form)


password_reset = _PasswordResetView.as_view()
