"""Well-known disposable (throwaway) e-mail domains, frozen here rather than fetched.

An alert may come months later, long after such an inbox has vanished, so these are refused with a
clear message. The list is short on purpose: it catches the common ones, not every one.
"""

DISPOSABLE_DOMAINS = frozenset(
    {
        "10minutemail.com",
        "20minutemail.com",
        "33mail.com",
        "discard.email",
        "dispostable.com",
        "emailondeck.com",
        "fakeinbox.com",
        "getairmail.com",
        "getnada.com",
        "guerrillamail.biz",
        "guerrillamail.com",
        "guerrillamail.de",
        "guerrillamail.info",
        "guerrillamail.net",
        "guerrillamail.org",
        "guerrillamailblock.com",
        "maildrop.cc",
        "mailinator.com",
        "mailinator.net",
        "mailnesia.com",
        "mintemail.com",
        "mohmal.com",
        "mytemp.email",
        "sharklasers.com",
        "spam4.me",
        "spamgourmet.com",
        "temp-mail.org",
        "tempail.com",
        "tempmail.com",
        "tempmail.net",
        "tempmailo.com",
        "tempr.email",
        "throwawaymail.com",
        "trashmail.com",
        "trashmail.de",
        "yopmail.com",
        "yopmail.fr",
    }
)


def is_disposable(email: str) -> bool:
    domain = email.rpartition("@")[2].strip().lower().rstrip(".")
    # Subdomains too: anything.mailinator.com is still mailinator.
    return any(domain == known or domain.endswith("." + known) for known in DISPOSABLE_DOMAINS)
