from django.urls import path

from . import views

app_name = "contacts"

urlpatterns = [
    path("", views.ContactView.as_view(), name="contact"),
    path("thanks/", views.ThanksView.as_view(), name="thanks"),
    path("privacy/", views.PrivacyNoticeView.as_view(), name="privacy"),
]
