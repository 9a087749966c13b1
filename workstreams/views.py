from django.views.generic import ListView

from publishing.views import PublishedDetailView

from .models import WorkStream


class WorkStreamListView(ListView):
    paginate_by = 20

    def get_queryset(self):
        return WorkStream.objects.published()


class WorkStreamDetailView(PublishedDetailView):
    model = WorkStream
