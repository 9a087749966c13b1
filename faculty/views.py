from django.views.generic import ListView

from publishing.views import PublishedDetailView

from .models import Person


class PersonListView(ListView):
    paginate_by = 20

    def get_queryset(self):
        return Person.objects.published()


class PersonDetailView(PublishedDetailView):
    model = Person
