from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("mijn-gegevens/", views.my_data, name="my_data"),
    path("mijn-gegevens/download/", views.my_data_download, name="my_data_download"),
    path("mijn-gegevens/verwijderen/", views.account_delete, name="account_delete"),
    path("cohorten/<int:pk>/bewaartermijn/", views.retention, name="retention"),
    path("privacy/", views.privacy_statement, name="statement"),
    path("privacy/verwerkingsregister.csv", views.register_csv, name="register_csv"),
    path("toegankelijkheid/", views.accessibility_statement, name="accessibility"),
]
