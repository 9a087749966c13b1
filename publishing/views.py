"""View mixins shared by every public detail page."""

from django.http import Http404, HttpResponsePermanentRedirect
from django.views.generic import DetailView


class PublishedDetailView(DetailView):
    """A detail page that the public sees only when published, and staff may preview as a draft.

    A slug that an editor has renamed keeps answering: the old slug is found in the model's
    history and the visitor is sent to the current address with a permanent redirect.
    """

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            current = self.find_renamed(kwargs.get(self.slug_url_kwarg, ""))
            if current is None:
                raise
            return HttpResponsePermanentRedirect(current.get_absolute_url())

    def find_renamed(self, old_slug: str):
        model = self.get_queryset().model
        history = getattr(model, "history", None)
        if history is None or not old_slug:
            return None
        ids = history.filter(slug=old_slug).order_by("-history_date").values_list("id", flat=True)
        for object_id in ids[:5]:
            current = self.get_queryset().filter(pk=object_id).exclude(slug=old_slug).first()
            if current is not None:
                return current
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = not self.object.is_public
        return context
