"""django-simple-history's `HistoricalRecords`, with links edited from the other side versioned correctly."""

from django.conf import settings
from simple_history import models as simple_history


class HistoricalRecords(simple_history.HistoricalRecords):
    """Records a many-to-many change made from the unversioned side against the versioned records.

    `ResearchProject.informs_programmes` is versioned on the project; `programme.related_research.add(p)`
    changes the same links from the programme's side. simple_history would then write a version of the
    programme with the project's field list (wrong, and an error once the two models version different
    fields); here each project whose links changed gets its own version instead.
    """

    def m2m_changed(self, instance, action, attr, pk_set, reverse, model=None, **kwargs):
        if not reverse:
            return super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
        if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True) or action not in ("post_add", "post_remove"):
            # A clear from the other side does not say which records lost a link: left unversioned.
            return None
        for changed in model._default_manager.filter(pk__in=pk_set):
            self.create_historical_record(changed, "~")
        return None
