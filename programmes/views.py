from django.views.generic import ListView

from publishing.views import PublishedDetailView

from .models import Programme


class ProgrammeListView(ListView):
    paginate_by = 20

    def get_queryset(self):
        return Programme.objects.published()


class ProgrammeDetailView(PublishedDetailView):
    model = Programme
