from django import forms
from django.contrib import admin

from publishing.admin import PUBLISHING_FIELDSET, PublicationFilter, PublishableAdmin, RelatedFilter, ReviewFilter

from .models import Person
from .validators import validate_photo

NOT_AN_IMAGE = "This file is not an image we can read. Upload a JPEG, PNG or WebP photo."


class PersonAdminForm(forms.ModelForm):
    class Meta:
        model = Person
        # The admin's fieldsets add every other field; these are the ones this form checks.
        fields = ("photo", "photo_alt")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "photo" in self.fields:
            # The same plain message whether Django's image check or ours finds the problem.
            self.fields["photo"].error_messages["invalid_image"] = NOT_AN_IMAGE
            if validate_photo not in self.fields["photo"].validators:
                self.fields["photo"].validators.append(validate_photo)

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("photo") and not cleaned_data.get("photo_alt"):
            self.add_error("photo_alt", "A photo needs a description for people who cannot see it.")
        return cleaned_data


@admin.register(Person)
class PersonAdmin(PublishableAdmin):
    form = PersonAdminForm
    list_display = (
        "sort_name_display",
        "job_title",
        "role_kind",
        "affiliation",
        "publication",
        "review_date",
        "updated_at",
        "public_link",
    )
    list_display_links = ("sort_name_display",)
    list_filter = (
        PublicationFilter,
        "role_kind",
        ("work_streams", RelatedFilter),
        ReviewFilter,
    )
    list_select_related = ("affiliation",)
    search_fields = ("given_name", "family_name", "job_title", "email", "affiliation__name", "affiliation__short_name")
    autocomplete_fields = ("affiliation", "expertise")
    prepopulated_fields = {"slug": ("given_name", "family_name")}
    fieldsets = (
        (
            "Name",
            {
                "fields": ("honorific", "given_name", "family_name", "slug"),
                "description": "The profile is listed A to Z by family name.",
            },
        ),
        (
            "Role",
            {
                "fields": ("job_title", "role_kind", "affiliation"),
                "description": (
                    "Visiting and external people usually have a home organisation, "
                    "e.g. a visiting professor from Harvard University."
                ),
            },
        ),
        (
            "Profile",
            {"fields": ("biography", "expertise", "photo", "photo_alt", "photo_decorative", "orcid", "profile_url")},
        ),
        (
            "Contact details",
            {
                "fields": ("email", "phone"),
                "description": "Shown on the public profile and in the downloadable contact card (vCard).",
            },
        ),
        PUBLISHING_FIELDSET,
    )

    @admin.display(description="name", ordering="family_name")
    def sort_name_display(self, obj) -> str:
        return obj.sort_name
