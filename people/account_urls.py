"""Sign-in, sign-out and passwords, on Django's own auth views.

Django's form views also take PUT as a POST, and the sign-in and reset-link pages
answer any method before checking it; like every other page here, they answer
GET and POST only."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.views.decorators.http import require_http_methods

from people.forms.accounts import EmailAuthenticationForm, InvitingPasswordResetForm

get_or_post = require_http_methods(["GET", "POST"])

urlpatterns = [
    path(
        "login/",
        get_or_post(
            auth_views.LoginView.as_view(
                authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
            )
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        get_or_post(auth_views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        get_or_post(
            auth_views.PasswordResetView.as_view(
                form_class=InvitingPasswordResetForm,
                success_url=reverse_lazy("password_reset_done"),
            )
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        get_or_post(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
