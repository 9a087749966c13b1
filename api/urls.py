from django.urls import path, re_path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"


class Router(DefaultRouter):
    # One spelling per address: no ".json" suffixes beside the documented paths.
    include_format_suffixes = False


router = Router()
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("research-projects", views.ResearchProjectViewSet, basename="researchproject")
router.register("people", views.PersonViewSet, basename="person")
router.register("work-streams", views.WorkStreamViewSet, basename="workstream")
router.register("organisations", views.OrganisationViewSet, basename="organisation")

urlpatterns = [
    path("schema/", views.SchemaJSONView.as_view(), name="schema"),
    path("schema.yaml", views.SchemaYAMLView.as_view(), name="schema-yaml"),
    path("docs/", views.ApiReferenceView.as_view(), name="reference"),
    *router.urls,
    re_path(r"^.*$", views.api_not_found, name="not-found"),
]
