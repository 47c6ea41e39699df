from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from cohorts import views as cohort_views

from . import views

# The admin login goes through allauth: its rate limits and two-factor step apply there too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Wisselstage beheer"

urlpatterns = [
    path("", cohort_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("beheer/", admin.site.urls),
    path("", include("cohorts.urls")),
    path("", include("matching.urls")),
    path("", include("agendas.urls")),
    path("", include("meetings.urls")),
    path("", include("reflections.urls")),
    path("", include("reports.urls")),
    path("", include("privacy.urls")),
]
