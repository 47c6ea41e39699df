from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("cohorten/<int:pk>/voorkeuren/", views.preferences, name="preferences"),
    path("cohorten/<int:pk>/mijn-koppeling/", views.my_exchange, name="my_exchange"),
    path("cohorten/<int:pk>/mijn-koppeling/waarom-niet/", views.my_what_if,
         name="my_what_if"),
    path("cohorten/<int:pk>/matching/", views.matching_home, name="home"),
    path("cohorten/<int:pk>/matching/herinneren/", views.remind, name="remind"),
    path("cohorten/<int:pk>/matching/paren/", views.pair_rule, name="pair_rule"),
    path("cohorten/<int:pk>/matching/paren/<str:kind>/<int:rule_pk>/verwijderen/",
         views.pair_rule_delete, name="pair_rule_delete"),
    path("cohorten/<int:pk>/matching/vergelijken/", views.compare, name="compare"),
    path("cohorten/<int:pk>/matching/ronde/<int:run_pk>/", views.run_detail, name="run"),
    path("cohorten/<int:pk>/matching/ronde/<int:run_pk>/wisselen/", views.swap, name="swap"),
    path("cohorten/<int:pk>/matching/ronde/<int:run_pk>/waarom-niet/", views.what_if,
         name="what_if"),
    path("cohorten/<int:pk>/matching/ronde/<int:run_pk>/publiceren/", views.publish,
         name="publish"),
    path("cohorten/<int:pk>/matching/herstel/<int:participant_pk>/", views.repair,
         name="repair"),
]
