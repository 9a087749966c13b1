"""E-mail backends for tests: a mail server that is down."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class FailingEmailBackend(BaseEmailBackend):
    """Behaves like SMTP when the server drops the connection: every send raises."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


FAILING_MAILERS = {"default": {"BACKEND": "tests.contacts.mail.FailingEmailBackend"}}
