"""Background work of the editorial workflow (Django's tasks framework; see TASKS in settings)."""

from django.core.mail import EmailMessage
from django.tasks import task


@task
def send_workflow_email(*, subject: str, body: str, to: list[str]) -> None:
    """One workflow e-mail. Enqueued after the transaction commits, so the editor's request never waits on it."""
    EmailMessage(subject=subject, body=body, to=to).send(using="default")
