"""Sign-in for everyone who works on the platform, staff or outside experts alike.

The admin's own login admits staff only; expert reviewers are not staff.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import two_factor_views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The second factor of staff (docs/adr/0038): the code, enrolment, new recovery codes.
    path("two-factor/", two_factor_views.verify, name="two_factor_verify"),
    path("two-factor/enrol/", two_factor_views.enrol, name="two_factor_enrol"),
    path("two-factor/recovery-codes/", two_factor_views.recovery_codes, name="two_factor_recovery_codes"),
]
