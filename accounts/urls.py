"""Sign-in for everyone who works on the platform, staff or outside experts alike.

The admin's own login admits staff only; expert reviewers are not staff.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
