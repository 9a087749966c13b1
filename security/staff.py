"""Who counts as a fully signed-in staff member: the password and, where it applies, the authenticator code."""

from django.conf import settings
from django_otp import user_has_device


def second_factor_pending(user) -> bool:
    """True for an active staff member who still owes the authenticator code in this session.

    The code is owed by everyone when STAFF_2FA_REQUIRED is on, and otherwise by whoever has set up an app.
    `is_verified` is set by django_otp's middleware on the request's user.
    """
    if not (user is not None and user.is_active and user.is_staff):
        return False
    verified = getattr(user, "is_verified", None)
    if verified is not None and verified():
        return False
    return settings.STAFF_2FA_REQUIRED or user_has_device(user)
