from django.urls import path

from . import vcards, views

app_name = "faculty"

urlpatterns = [
    path("", views.PersonListView.as_view(), name="list"),
    path("<slug:slug>/", views.PersonDetailView.as_view(), name="detail"),
    path("<slug:slug>.vcf", vcards.vcard, name="vcard"),
]
