from django.urls import path

from . import views

app_name = "meetings"

M = "cohorten/<int:pk>/bijeenkomsten/"
ONE = M + "<int:meeting_pk>/"

urlpatterns = [
    path(M, views.meeting_list, name="list"),
    path(M + "nieuw/", views.meeting_create, name="create"),
    path(M + "standaard/", views.meeting_propose, name="propose"),
    path(M + "herinneringen/", views.reminder_rules, name="reminder_rules"),
    path(ONE, views.meeting_detail, name="detail"),
    path(ONE + "bewerken/", views.meeting_edit, name="edit"),
    path(ONE + "afgelasten/", views.meeting_cancel, name="cancel"),
    path(ONE + "aanwezigheid/", views.meeting_attendance, name="attendance"),
    path(ONE + "agenda.ics", views.meeting_ics, name="ics"),
    path(ONE + "materiaal/", views.material_upload, name="material_upload"),
    path(ONE + "materiaal/<int:material_pk>/", views.material_download,
         name="material_download"),
    path(ONE + "materiaal/<int:material_pk>/verwijderen/", views.material_delete,
         name="material_delete"),
    path("cohorten/<int:pk>/berichten/", views.outbox, name="outbox"),
    path("cohorten/<int:pk>/berichten/<int:message_pk>/", views.outbox_preview,
         name="outbox_preview"),
    path("cohorten/<int:pk>/berichten/<int:message_pk>/<slug:action>/", views.outbox_action,
         name="outbox_action"),
]
