from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Cast, Mod, Substr
from django.db.models.lookups import Exact

from pagecache.fragments import render_each
from publishing.history import HistoricalRecords
from publishing.images import PORTRAIT, add_renditions, picture, random_image_name, require_alt_text
from publishing.models import Publishable, PublishableQuerySet, published_q
from publishing.paths import path_to
from publishing.richtext import RichTextField
from security.images import ReencodedImageField

from .validators import validate_orcid, validate_photo


def orcid_is_valid_condition(field: str = "orcid"):
    """A database expression that is true when the ORCID iD's check character is right.

    ORCID uses ISO 7064 MOD 11-2 over its first 15 digits: sum(d_i * 2^(15 - i)) mod 11.
    """
    digit_positions = [p for p in range(1, 19) if p % 5 != 0][:15]  # skip the hyphens
    total = Value(0)
    for index, position in enumerate(digit_positions):
        digit = Cast(Substr(field, position, 1), models.IntegerField())
        total = total + digit * Value(2 ** (15 - index))
    # SQLite's MOD returns a real number; cast so "7.0" compares as "7".
    result = Cast(Mod(Value(12) - Mod(total, Value(11)), Value(11)), models.IntegerField())
    check = Substr(field, 19, 1)
    return (Q(Exact(result, Value(10))) & Q(Exact(check, Value("X")))) | Q(
        Exact(Cast(result, models.CharField(max_length=2)), check)
    )


def photo_upload_to(instance, filename: str) -> str:
    return random_image_name("people", filename)


class PersonQuerySet(PublishableQuerySet):
    def list_items(self, ids):
        """The link-list item of each published person of `ids` among these, by id in that order, each rendered
        once and kept until a table it shows is written (pagecache.fragments); the publication rule is
        applied only when an item is missing, as for programmes' cards."""
        return render_each(
            "faculty/partials.html#person-item",
            ids,
            lambda: self.published().select_related("affiliation"),
            as_name="person",
        )

    def alphabetical(self):
        return self.order_by("family_name", "given_name")

    def in_work_streams(self, slugs):
        """Members or key contacts of any of the work streams named by `slugs`.

        The link models are read through the reverse relations: work streams sit above people.
        """
        memberships, key_contacts = (
            self.model._meta.get_field(name).related_model._default_manager.filter(work_stream__slug__in=slugs)
            for name in ("work_stream_memberships", "key_contact_roles")
        )
        return self.filter(Q(pk__in=memberships.values("person_id")) | Q(pk__in=key_contacts.values("person_id")))


class Person(Publishable):
    class RoleKind(models.TextChoices):
        FACULTY = "faculty", "Faculty"
        VISITING = "visiting", "Visiting"
        ASSOCIATE = "associate", "Associate"
        EXTERNAL = "external", "External"

    honorific = models.CharField(
        max_length=40, blank=True, help_text="Optional, e.g. Professor, Dr. Shown before the name."
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100, help_text="Used to sort the people directory A to Z.")
    slug = models.SlugField(max_length=200, unique=True, help_text="Used in the profile's web address.")
    job_title = models.CharField(
        max_length=200, blank=True, help_text="Optional, e.g. Senior Fellow or Visiting Professor."
    )
    role_kind = models.CharField(
        "role", max_length=20, choices=RoleKind.choices, default=RoleKind.FACULTY, db_index=True
    )
    affiliation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        help_text="Optional. The person's home organisation when it is not the centre, e.g. Harvard University.",
    )
    biography = RichTextField(blank=True, help_text="Optional. A few paragraphs in the third person.")
    expertise = models.ManyToManyField(
        "topics.Topic",
        blank=True,
        related_name="experts",
        help_text="Topics this person is known for.",
    )
    photo = ReencodedImageField(
        upload_to=photo_upload_to,
        blank=True,
        validators=[validate_photo],
        help_text="Optional. A JPEG, PNG or WebP image of at most 5 MB.",
    )
    photo_alt = models.CharField(
        "photo description",
        max_length=200,
        blank=True,
        help_text="Describe the photo for people who cannot see it, e.g. 'Belinda Weir smiling'.",
    )
    photo_decorative = models.BooleanField(
        "decorative photo",
        default=False,
        help_text="Tick if the photo says nothing the name beside it does not: screen readers then skip it.",
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True, help_text="Optional, e.g. +44 121 414 0000.")
    orcid = models.CharField(
        "ORCID iD",
        max_length=19,
        blank=True,
        validators=[validate_orcid],
        help_text="Optional. Sixteen characters in four groups, e.g. 0000-0002-1825-0097.",
    )
    profile_url = models.URLField(
        "profile link",
        blank=True,
        help_text="Optional. An external profile, e.g. on the university site.",
    )

    objects = PersonQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[expertise])

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = "person"
        verbose_name_plural = "people"
        constraints = [
            models.CheckConstraint(
                condition=Q(orcid="")
                | (Q(orcid__regex=r"^\d{4}-\d{4}-\d{4}-\d{3}[0-9X]$") & orcid_is_valid_condition()),
                name="person_orcid_valid",
                violation_error_message="Enter a valid ORCID iD.",
            ),
            models.CheckConstraint(
                condition=Q(photo="") | ~Q(photo_alt="") | Q(photo_decorative=True),
                name="person_photo_has_alt_text",
                violation_error_message="A photo needs a description for people who cannot see it, or to be marked "
                "decorative.",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def clean(self):
        super().clean()
        require_alt_text(self.photo, self.photo_alt, self.photo_decorative, alt_field="photo_alt")

    def profile_photo(self):
        """The photo on the person's page: 160 CSS pixels square, WebP renditions in srcset."""
        return self._photo(160, css_class="person-profile__photo")

    def card_photo(self):
        """The photo on a contact card: 72 CSS pixels square, loaded when scrolled to."""
        return self._photo(72, lazy=True)

    def _photo(self, width: int, **options):
        return picture(self, "photo", alt=self.photo_alt, decorative=self.photo_decorative, width=width, **options)

    def get_absolute_url(self) -> str:
        return path_to("faculty:detail", slug=self.slug)

    @property
    def kept_key(self) -> tuple:
        """What pages show of the person on a card, standing for the person in kept renderings
        (`{% include_kept %}`): a card kept under this key is the card these values render, so a change to
        the person or their affiliation is a new key, never a stale card."""
        affiliation = self.affiliation.name if self.affiliation_id else None
        photo = (self.photo.name, self.photo_alt, self.photo_decorative)
        names = (self.honorific, self.given_name, self.family_name)
        return (self.pk, self.slug, *names, self.job_title, affiliation, self.email, self.phone, *photo)

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def full_name(self) -> str:
        return f"{self.honorific} {self.name}".strip()

    @property
    def sort_name(self) -> str:
        return f"{self.family_name}, {self.given_name}"

    @property
    def orcid_url(self) -> str:
        return f"https://orcid.org/{self.orcid}" if self.orcid else ""


add_renditions(Person, "photo", PORTRAIT)


class PersonLinkQuerySet(models.QuerySet):
    """For the models of higher apps that link a record to a person: leads, investigators, members, key contacts."""

    def with_published_person(self):
        """Only links to people the public may see: a draft profile is never named on a public page."""
        return self.filter(published_q("person__"))
