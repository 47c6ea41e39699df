from django.urls import path

from . import views

app_name = "reflections"

urlpatterns = [
    path("cohorten/<int:pk>/reflecties/", views.overview, name="overview"),
    path("cohorten/<int:pk>/reflecties/standaard/", views.standard_add, name="standard"),
    path("cohorten/<int:pk>/reflecties/nieuw/", views.assignment_edit, name="assignment_create"),
    path("cohorten/<int:pk>/reflecties/<int:apk>/", views.assignment_detail, name="assignment"),
    path("cohorten/<int:pk>/reflecties/<int:apk>/bewerken/", views.assignment_edit,
         name="assignment_edit"),
    path("cohorten/<int:pk>/reflecties/<int:apk>/vragen/nieuw/", views.question_edit,
         name="question_create"),
    path("cohorten/<int:pk>/reflecties/<int:apk>/vragen/<int:qpk>/", views.question_edit,
         name="question_edit"),
    path("cohorten/<int:pk>/reflecties/<int:apk>/invullen/", views.answer, name="answer"),
    path("cohorten/<int:pk>/reflecties/<int:apk>/autosave/", views.autosave, name="autosave"),
    path("cohorten/<int:pk>/reflecties/<int:apk>/herinneren/", views.nudge, name="nudge"),
    path("cohorten/<int:pk>/reflecties/antwoord/<int:rpk>/", views.response_detail,
         name="response"),
    path("cohorten/<int:pk>/reflecties/sparren/", views.sparring, name="sparring"),
    path("alumni/", views.alumni, name="alumni"),
]
