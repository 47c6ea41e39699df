from django.urls import path

from . import views

app_name = "agendas"

urlpatterns = [
    path("uitwisselingen/<int:exchange_pk>/planning/", views.planning, name="planning"),
    path("uitwisselingen/<int:exchange_pk>/bezoeken/<int:visit_pk>/bewerken/",
         views.visit_edit, name="visit_edit"),
    path("uitwisselingen/<int:exchange_pk>/bezoeken/<int:visit_pk>/onderdelen/nieuw/",
         views.item_create, name="item_create"),
    path("uitwisselingen/<int:exchange_pk>/bezoeken/<int:visit_pk>/suggestie/",
         views.suggest, name="suggest"),
    path("uitwisselingen/<int:exchange_pk>/bezoeken/<int:visit_pk>/akkoord/",
         views.agree, name="agree"),
    path("uitwisselingen/<int:exchange_pk>/bezoeken/<int:visit_pk>/gehouden/",
         views.mark_held, name="mark_held"),
    path("uitwisselingen/<int:exchange_pk>/bezoeken/<int:visit_pk>/afdrukken/",
         views.visit_print, name="visit_print"),
    path("uitwisselingen/<int:exchange_pk>/bezoeken/<int:visit_pk>/agenda.ics",
         views.visit_ics, name="visit_ics"),
    path("uitwisselingen/<int:exchange_pk>/onderdelen/<int:item_pk>/bewerken/",
         views.item_edit, name="item_edit"),
    path("uitwisselingen/<int:exchange_pk>/onderdelen/<int:item_pk>/<str:action>/",
         views.item_action, name="item_action"),
    path("cohorten/<int:pk>/planning/", views.board, name="board"),
    path("cohorten/<int:pk>/planning/<int:exchange_pk>/herinneren/", views.nudge,
         name="nudge"),
    path("agenda/koppeling/", views.feed_settings, name="feed_settings"),
    path("agenda/koppeling/nieuwe-link/", views.feed_renew, name="feed_renew"),
    path("agenda/<str:token>.ics", views.feed, name="feed"),
]
