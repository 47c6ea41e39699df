from django.urls import path

from . import views

app_name = "cohorts"

urlpatterns = [
    path("cohorten/", views.cohort_list, name="list"),
    path("cohorten/nieuw/", views.cohort_create, name="create"),
    path("cohorten/<int:pk>/", views.cohort_detail, name="detail"),
    path("cohorten/<int:pk>/bewerken/", views.cohort_edit, name="edit"),
    path("cohorten/<int:pk>/fase/", views.cohort_stage, name="stage"),
    path("cohorten/<int:pk>/kopieren/", views.cohort_copy, name="copy"),
    path("cohorten/<int:pk>/aanmeldlink/", views.cohort_join_link, name="join_link"),
    path("cohorten/<int:pk>/uitnodigingen/", views.invitations, name="invitations"),
    path("cohorten/<int:pk>/uitnodigingen/<int:invitation_pk>/", views.invitation_action,
         name="invitation_action"),
    path("cohorten/<int:pk>/uitnodigingen/<int:invitation_pk>/intrekken/",
         views.invitation_withdraw, name="invitation_withdraw"),
    path("cohorten/<int:pk>/profiel/", views.profile, name="profile"),
    path("organisaties/", views.organisations, name="organisations"),
    path("organisaties/beheren/", views.organisation_list, name="organisation_list"),
    path("organisaties/<int:pk>/bewerken/", views.organisation_edit, name="organisation_edit"),
    path("organisaties/<int:pk>/samenvoegen/", views.organisation_merge,
         name="organisation_merge"),
    path("uitnodiging/<str:token>/", views.invitation_landing, name="invitation"),
    path("doe-mee/<str:token>/", views.join_link, name="join"),
]
