from django.urls import path

from . import views
from .models import Alert

app_name = "alerts"

urlpatterns = [
    path(
        "programmes/<slug:slug>/",
        views.SubscribeView.as_view(kind=Alert.Kind.PROGRAMME),
        name="subscribe-programme",
    ),
    path(
        "work-streams/<slug:slug>/",
        views.SubscribeView.as_view(kind=Alert.Kind.WORK_STREAM),
        name="subscribe-work-stream",
    ),
    path("catalogue/", views.SubscribeView.as_view(kind=Alert.Kind.CATALOGUE), name="subscribe-catalogue"),
    path("check-your-email/", views.CheckEmailView.as_view(), name="check-email"),
    path("confirm/<str:token>/", views.ConfirmView.as_view(), name="confirm"),
    path("unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
    path("manage/", views.ManageRequestView.as_view(), name="manage-request"),
    path("manage/sent/", views.ManageSentView.as_view(), name="manage-sent"),
    path("manage/<str:token>/", views.ManageView.as_view(), name="manage"),
]
