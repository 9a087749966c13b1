"""What editors own beyond the catalogue: the centre's details and the home page, one record each.

Both are `Publishable`, so an edit of the live record is a pending change with preview, compare, review,
scheduling and history, exactly like a programme. Each is a singleton (pk 1): the first migration writes
it from the settings and the home page's words as they were in the template, and `current()` makes it
again from those defaults should it be missing (a flushed test database, say).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import models
from django.urls import reverse

from publishing import centre
from publishing.addresses import validate_uk_postcode
from publishing.history import HistoricalRecords
from publishing.models import Publishable, PublishableQuerySet, Status
from publishing.richtext import RichTextField
from publishing.text import CleanTextModel

SINGLETON = 1


def validate_link(value: str) -> None:
    """A page of ours ("/contact/"), another site (http or https) or an e-mail address (mailto:).

    Anything else could be a `javascript:` or `data:` address that runs or shows something in the
    visitor's browser under our name; a protocol-relative "//host" would leave the site unnoticed.
    """
    if value.startswith("/") and not value.startswith("//"):
        return
    if value.lower().startswith("mailto:"):
        validate_email(value[len("mailto:") :])
        return
    if value.lower().startswith(("http://", "https://")):
        URLValidator(schemes=["http", "https"])(value)
        return
    raise ValidationError(
        "Enter a page of ours that starts with “/”, a web address that starts with https://, "
        "or mailto: followed by an e-mail address.",
        code="invalid_link",
    )


class SingletonQuerySet(PublishableQuerySet):
    def get_or_create_default(self):
        """The one record, written from its defaults if it does not exist yet (the admin, the demo loader)."""
        obj, created = self.get_or_create(pk=SINGLETON, defaults={"status": Status.PUBLISHED, **self.model.defaults()})
        if created:
            obj.add_default_rows()
        return obj


class CentreDetailsQuerySet(SingletonQuerySet):
    def live_centre(self) -> centre.Centre | None:
        """The published details with their links in one query (every page reads them), or None."""
        fields = [
            "name",
            "short_name",
            "address",
            "postcode",
            "email",
            "phone",
            "awarding_body",
            "privacy_notice",
            "updated_at",
        ]
        link_fields = ["links__kind", "links__label", "links__url"]
        rows = list(
            self.published()
            .filter(pk=SINGLETON)
            .order_by("links__kind", "links__order", "links__pk")
            .values(*fields, *link_fields)
        )
        if not rows:
            return None

        def links(kind):
            return tuple(centre.Link(r["links__label"], r["links__url"]) for r in rows if r["links__kind"] == kind)

        return centre.Centre(
            **{name: rows[0][name] for name in fields},
            social_links=links(CentreLink.Kind.SOCIAL),
            footer_links=links(CentreLink.Kind.FOOTER),
        )


class Singleton(Publishable):
    class Meta:
        abstract = True

    @classmethod
    def defaults(cls) -> dict:
        return {}

    def add_default_rows(self) -> None:
        """Rows edited inline that a new record starts with."""

    def save(self, *args, **kwargs):
        self.pk = SINGLETON
        super().save(*args, **kwargs)


class CentreDetails(Singleton):
    name = models.CharField(max_length=200, help_text="The centre's full name, as the header and footer show it.")
    short_name = models.CharField(max_length=40, help_text="The short form, e.g. HSMC.")
    address = models.TextField(help_text="The postal address: one line per line of the address.")
    postcode = models.CharField(
        max_length=10,
        blank=True,
        validators=[validate_uk_postcode],
        help_text="Course aggregators (XCRI-CAP) require it for the centre's location, e.g. B15 2TT.",
    )
    email = models.EmailField("e-mail", blank=True, help_text="The general e-mail address for enquiries.")
    phone = models.CharField("telephone", max_length=40, blank=True, help_text="As people dial it, e.g. 0121 414 7050.")
    awarding_body = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who awards the centre's qualifications, e.g. University of Birmingham. A programme can name "
        "another.",
    )
    privacy_notice = RichTextField(
        blank=True,
        heading_levels=(2, 3),
        help_text="The privacy notice for enquiries. How long enquiries are kept is added from the site's settings.",
    )

    history = HistoricalRecords()
    objects = CentreDetailsQuerySet.as_manager()

    class Meta:
        verbose_name = "centre details"
        verbose_name_plural = "centre details"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("contacts:contact")  # the page that shows every detail (and the footer, as all pages)

    @classmethod
    def defaults(cls) -> dict:
        return {
            "name": settings.SITE_NAME,
            "short_name": settings.SITE_SHORT_NAME,
            "address": settings.CENTRE_ADDRESS,
            "email": settings.CENTRE_EMAIL,
            "phone": settings.CENTRE_PHONE,
            "postcode": settings.CENTRE_POSTCODE,
            "awarding_body": settings.AWARDING_BODY,
            "privacy_notice": centre.default_privacy_notice(),
        }

    def add_default_rows(self) -> None:
        for order, (label, url) in enumerate(DEFAULT_FOOTER_LINKS):
            CentreLink.objects.create(centre=self, kind=CentreLink.Kind.FOOTER, label=label, url=url, order=order)


class CentreLink(CleanTextModel):
    class Kind(models.TextChoices):
        FOOTER = "footer", "Footer link"
        SOCIAL = "social", "Social media"

    centre = models.ForeignKey(CentreDetails, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FOOTER)
    label = models.CharField(max_length=80, help_text="What the link says, e.g. “Accessibility” or “LinkedIn”.")
    url = models.CharField(
        "address",
        max_length=500,
        validators=[validate_link],
        help_text="A page of ours (/contact/privacy/), another site (https://…) or mailto:an@address.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "order", "pk"]
        verbose_name = "link"

    def __str__(self) -> str:
        return self.label


class HomePage(Singleton):
    headline = models.CharField(max_length=120, help_text="The home page's main heading.")
    introduction = models.TextField(max_length=400, help_text="One or two sentences under the headline.")

    history = HistoricalRecords()
    objects = SingletonQuerySet.as_manager()

    class Meta:
        verbose_name = "home page"
        verbose_name_plural = "home page"

    def __str__(self) -> str:
        return "Home page"

    def get_absolute_url(self) -> str:
        return reverse("home")

    @classmethod
    def defaults(cls) -> dict:
        return {"headline": DEFAULT_HEADLINE, "introduction": DEFAULT_INTRODUCTION}

    @classmethod
    def shown(cls) -> tuple["HomePage", list["HomeCard"], list]:
        """What the home page shows: the published record and its cards, or the defaults if there is none."""
        with_programmes = models.Prefetch("featured", FeaturedProgramme.objects.select_related("programme"))
        home = cls.objects.prefetch_related("cards", with_programmes).filter(pk=SINGLETON).published().first()
        if home is None:
            default = cls(**cls.defaults())
            return default, [HomeCard(title=t, text=x, url=u) for t, x, u in DEFAULT_CARDS], []
        featured = [feature.programme for feature in home.featured.all() if feature.programme.is_public]
        return home, list(home.cards.all()), featured

    def add_default_rows(self) -> None:
        for order, (title, text, url) in enumerate(DEFAULT_CARDS):
            HomeCard.objects.create(home_page=self, title=title, text=text, url=url, order=order)


class HomeCard(CleanTextModel):
    """A "What we do" card: a title that links somewhere, and a sentence or two."""

    home_page = models.ForeignKey(HomePage, on_delete=models.CASCADE, related_name="cards")
    title = models.CharField(max_length=80)
    text = models.TextField(max_length=300)
    url = models.CharField(
        "links to",
        max_length=500,
        validators=[validate_link],
        help_text="A page of ours (/research/) or another site (https://…).",
    )
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "“What we do” card"

    def __str__(self) -> str:
        return self.title


class FeaturedProgramme(models.Model):
    """A programme the home page shows first, before those open for applications now."""

    home_page = models.ForeignKey(HomePage, on_delete=models.CASCADE, related_name="featured")
    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["home_page", "programme"], name="featured_once")]
        verbose_name = "featured programme"

    def __str__(self) -> str:
        return str(self.programme)


DEFAULT_FOOTER_LINKS = [
    ("All programmes", "/programmes/"),
    ("Contact and enquiries", "/contact/"),
    ("Privacy notice", "/contact/privacy/"),
]
# The home page's words as the template had them (from the centre's own page), the first record's content.
DEFAULT_HEADLINE = "Developing the leaders health and care services need"
DEFAULT_INTRODUCTION = (
    "The Health Services Management Centre combines research, taught Masters programmes and commissioned "
    "leadership development, so that learning is grounded in evidence and in the realities of leading health "
    "services."
)
DEFAULT_CARDS = [
    (
        "Research and evaluation",
        "Original research and objective analysis of leadership and management in health care, and evaluations "
        "that measure the impact of development programmes.",
        "/research/",
    ),
    (
        "Taught Masters programmes",
        "Academic learning grounded in professional practice, for senior leaders in provider, commissioning and "
        "policy roles.",
        "/programmes/?kind=taught_masters",
    ),
    (
        "Commissioned leadership development",
        "Programmes we design, deliver and evaluate with partners and commissioners, for leaders at every level "
        "of the system.",
        "/programmes/?kind=commissioned&kind=national_partnership",
    ),
]
