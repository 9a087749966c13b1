"""The link check as a task: an editor asks for it from the dashboard and does not wait for it."""

from django.tasks import task

from .links import check_links


@task
def check_links_now() -> int:
    """Check every link to another site in published records; returns how many addresses were asked."""
    checked, _broken = check_links()
    return checked
