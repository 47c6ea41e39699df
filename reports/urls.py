from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("cohorten/<int:pk>/rapport/", views.cohort_report, name="cohort"),
    path("cohorten/<int:pk>/export.csv", views.cohort_export, {"fmt": "csv"}, name="export_csv"),
    path("cohorten/<int:pk>/export.xlsx", views.cohort_export, {"fmt": "xlsx"},
         name="export_xlsx"),
    path("rapporten/", views.cross_cohort, name="cross"),
    path("rapporten/export.csv", views.cross_export, {"fmt": "csv"}, name="cross_export_csv"),
    path("rapporten/export.xlsx", views.cross_export, {"fmt": "xlsx"},
         name="cross_export_xlsx"),
    path("rapporten/exportlog/", views.export_log, name="export_log"),
]
