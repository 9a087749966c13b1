from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("programmes/", include("programmes.urls")),
    path("people/", include("faculty.urls")),
    path("work-streams/", include("workstreams.urls")),
    path("research/", include("research.urls")),
    path("search/", include("search.urls")),
    path("contact/", include("contacts.urls")),
    path(settings.ADMIN_PATH, admin.site.urls),
]

handler400 = "hsmc_site.views.bad_request"
handler403 = "hsmc_site.views.permission_denied"
handler404 = "hsmc_site.views.page_not_found"
handler500 = "hsmc_site.views.server_error"
