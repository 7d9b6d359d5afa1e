"""/accounts/: Django's own auth views plus sign-up."""

from __future__ import annotations

from django.urls import include, path

from journal import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("", include("django.contrib.auth.urls")),
]
