"""CSV export and import of programmes (django-import-export).

Rows are matched on `slug`, so a file exported here can be edited in a spreadsheet and imported
back: existing programmes are updated, new slugs become new programmes. Related records are named
by their slugs, several in one cell separated by "|". Every row is validated exactly as the admin
form would validate it; an unknown slug or a bad value is reported with its row number and nothing
is saved unless every row is valid (the admin runs the whole import in one transaction).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from import_export import fields, resources, widgets

from organisations.models import Organisation
from topics.models import Topic
from workstreams.models import WorkStream

from .models import Audience, Programme, ProgrammePartner

SEPARATOR = "|"


class ChoiceWidget(widgets.CharWidget):
    """Accepts a choice's stored value or its label (any case), e.g. "published" or "Published"."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.lookup = {}
        for value, label in choices:
            self.lookup[str(value).lower()] = value
            self.lookup[str(label).lower()] = value

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if not text:
            return text
        # An unknown value is left as it is, for the model's own check to report with the choices.
        return self.lookup.get(text.strip().lower(), text)


class SlugListWidget(widgets.ManyToManyWidget):
    """Slugs separated by "|"; unlike the stock widget, an unknown slug is an error, not ignored."""

    def __init__(self, model, **kwargs):
        super().__init__(model, separator=SEPARATOR, field="slug", **kwargs)

    def clean(self, value, row=None, **kwargs):
        slugs = parse_slugs(value)
        found = {obj.slug: obj for obj in self.model.objects.filter(slug__in=slugs)}
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            raise ValueError(f"No {self.model._meta.verbose_name} with the slug {', '.join(unknown)}.")
        return [found[slug] for slug in slugs]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return SEPARATOR.join(sorted(item.slug for item in value.all()))


def parse_slugs(value) -> list[str]:
    if value is None:
        return []
    slugs = []
    for part in str(value).split(SEPARATOR):
        slug = part.strip()
        if slug and slug not in slugs:
            slugs.append(slug)
    return slugs


class PartnerRoleField(fields.Field):
    """Organisations in one role (delivery partner or commissioner), kept in ProgrammePartner rows."""

    def __init__(self, role: str, column_name: str):
        super().__init__(attribute=None, column_name=column_name, widget=widgets.CharWidget())
        self.role = role

    def export(self, instance, **kwargs):
        if instance is None or instance.pk is None:
            return ""
        return SEPARATOR.join(self.current_slugs(instance))

    def current_slugs(self, instance) -> list[str]:
        if instance.pk is None:
            return []
        return list(
            ProgrammePartner.objects.filter(programme=instance, role=self.role)
            .order_by("order", "pk")
            .values_list("organisation__slug", flat=True)
        )


class ProgrammeResource(resources.ModelResource):
    audiences = fields.Field(attribute="audiences", column_name="audiences", widget=SlugListWidget(Audience))
    topics = fields.Field(attribute="topics", column_name="topics", widget=SlugListWidget(Topic))
    work_streams = fields.Field(attribute="work_streams", column_name="work_streams", widget=SlugListWidget(WorkStream))
    delivery_partners = PartnerRoleField(ProgrammePartner.Role.DELIVERY_PARTNER, "delivery_partners")
    commissioners = PartnerRoleField(ProgrammePartner.Role.COMMISSIONER, "commissioners")

    class Meta:
        model = Programme
        import_id_fields = ("slug",)
        fields = (
            "slug",
            "title",
            "status",
            "publish_from",
            "review_by",
            "kind",
            "summary",
            "overview",
            "who_for",
            "outcomes",
            "structure",
            "qualification",
            "level",
            "study_mode",
            "attendance_mode",
            "duration_value",
            "duration_unit",
            "location",
            "cohort_size",
            "fees_and_funding",
            "running_since",
            "apply_url",
            "audiences",
            "topics",
            "work_streams",
            "delivery_partners",
            "commissioners",
        )
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        field = super().field_from_django_field(field_name, django_field, readonly)
        if django_field.choices:
            field.widget = ChoiceWidget(django_field.choices, allow_blank=django_field.blank)
        return field

    def partner_fields(self) -> list[PartnerRoleField]:
        return [field for field in self.fields.values() if isinstance(field, PartnerRoleField)]

    def import_instance(self, instance, row, **kwargs):
        """Check every column, related slugs included, before anything is saved."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for field in self.get_import_fields():
            if field.column_name not in row:
                continue
            try:
                if isinstance(field.widget, SlugListWidget):
                    field.clean(row)
                elif isinstance(field, PartnerRoleField):
                    slugs = parse_slugs(row[field.column_name])
                    SlugListWidget(Organisation).clean(SEPARATOR.join(slugs))
            except ValueError as exc:
                errors[field.column_name] = ValidationError(str(exc), code="invalid")
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not super().skip_row(instance, original, row, import_validation_errors):
            return False
        return all(
            field.current_slugs(original) == parse_slugs(row[field.column_name])
            for field in self.partner_fields()
            if field.column_name in row
        )

    def before_save_instance(self, instance, row, **kwargs):
        instance._change_reason = "Imported from a CSV file"

    def after_save_instance(self, instance, row, **kwargs):
        for field in self.partner_fields():
            if field.column_name not in row:
                continue
            slugs = parse_slugs(row[field.column_name])
            organisations = {org.slug: org for org in Organisation.objects.filter(slug__in=slugs)}
            with transaction.atomic():
                ProgrammePartner.objects.filter(programme=instance, role=field.role).exclude(
                    organisation__slug__in=slugs
                ).delete()
                for order, slug in enumerate(slugs):
                    ProgrammePartner.objects.update_or_create(
                        programme=instance,
                        organisation=organisations[slug],
                        role=field.role,
                        defaults={"order": order},
                    )
