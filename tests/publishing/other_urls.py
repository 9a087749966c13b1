"""A URL configuration with the same names at other paths, for tests/publishing/test_paths.py."""

from django.http import HttpResponse
from django.urls import include, path

detail = [path("<slug:slug>/", lambda request, slug: HttpResponse(slug), name="detail")]

urlpatterns = [path("elsewhere/", include((detail, "programmes")))]
