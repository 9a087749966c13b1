from django.urls import path

from . import views

app_name = "research"

urlpatterns = [
    path("", views.ResearchProjectListView.as_view(), name="list"),
    path("<slug:slug>/", views.ResearchProjectDetailView.as_view(), name="detail"),
]
