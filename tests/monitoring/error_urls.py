"""A URLconf with a view that fails, for error-reporting tests that run in a subprocess."""

from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from hsmc_site import urls as project_urls


@csrf_exempt
def fail(request):
    raise RuntimeError(f"Could not handle the enquiry from {request.POST.get('email')}")


urlpatterns = [path("fail/", fail), *project_urls.urlpatterns]
handler500 = project_urls.handler500
