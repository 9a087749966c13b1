from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "research"
    verbose_name = "Research"

    def ready(self):
        from programmes.linked import kept_links

        from .models import ResearchProject

        # A programme page lists the published projects that inform it, kept with the programme.
        kept_links.watch(
            records={ResearchProject: lambda project: project.informs_programmes.values_list("pk", flat=True)},
            links=[ResearchProject.informs_programmes],
        )
