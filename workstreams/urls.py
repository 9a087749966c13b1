from django.urls import path

from . import views

app_name = "workstreams"

urlpatterns = [
    path("", views.WorkStreamListView.as_view(), name="list"),
    path("<slug:slug>/", views.WorkStreamDetailView.as_view(), name="detail"),
]
