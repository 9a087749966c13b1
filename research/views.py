from django.views.generic import ListView

from publishing.views import PublishedDetailView

from .models import ResearchProject


class ResearchProjectListView(ListView):
    paginate_by = 20

    def get_queryset(self):
        return ResearchProject.objects.published()


class ResearchProjectDetailView(PublishedDetailView):
    model = ResearchProject
