from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse

from publishing.admin import PublishableAdmin

from .models import CentreDetails, CentreLink, FeaturedProgramme, HomeCard, HomePage


class SingletonAdmin(PublishableAdmin):
    """One record, always live: its list leads straight to it; nobody adds, deletes or unpublishes it.

    Edits go through the editorial workflow like any page's: a draft, preview, compare, review, schedule.
    """

    actions = None
    list_display = ("__str__",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            return super().changelist_view(request, extra_context)  # Django's own refusal
        record = self.model.objects.get_or_create_default()
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[record.pk])
        )


class CentreLinkInline(admin.TabularInline):
    model = CentreLink
    extra = 1
    fields = ("kind", "label", "url", "order")
    verbose_name_plural = "links in the footer and to social media"


@admin.register(CentreDetails)
class CentreDetailsAdmin(SingletonAdmin):
    inlines = (CentreLinkInline,)
    fieldsets = (
        (
            "The centre",
            {
                "fields": ("name", "short_name", "address", "postcode", "email", "phone", "awarding_body"),
                "description": "Shown in every page's header and footer, on the contact page, in search engines' "
                "data, in the XCRI-CAP feed and in the e-mails the site sends.",
            },
        ),
        ("Privacy notice for enquiries", {"fields": ("privacy_notice",)}),
        ("Review", {"fields": ("review_by", "publication_state", "public_page")}),
    )


class HomeCardInline(admin.StackedInline):
    model = HomeCard
    extra = 0
    fields = ("title", "text", "url", "order")
    verbose_name_plural = "“What we do” cards (in order)"


class FeaturedProgrammeInline(admin.TabularInline):
    model = FeaturedProgramme
    extra = 1
    autocomplete_fields = ("programme",)
    fields = ("programme", "order")
    verbose_name_plural = "featured programmes (shown first under “Open for applications and starting soon”)"


@admin.register(HomePage)
class HomePageAdmin(SingletonAdmin):
    inlines = (HomeCardInline, FeaturedProgrammeInline)
    fieldsets = (
        (None, {"fields": ("headline", "introduction")}),
        ("Review", {"fields": ("review_by", "publication_state", "public_page")}),
    )
