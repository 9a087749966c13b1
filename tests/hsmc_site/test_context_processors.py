"""The centre's details as every template sees them (hsmc_site.context_processors.site)."""

from django.template import RequestContext, Template, Variable
from django.test import RequestFactory

from hsmc_site.context_processors import site
from publishing import centre


def test_templates_get_the_centres_details_as_plain_values_read_only_when_one_is_used(monkeypatch):
    reads = []

    def reader():
        reads.append(1)
        return centre.Centre(
            name="Health Services Management Centre", short_name="HSMC", address="Park House", phone="0121 414 7050"
        )

    monkeypatch.setattr(centre, "_reader", reader)
    request = RequestFactory().get("/")

    assert Template("No details here").render(RequestContext(request, {}, [site])) == "No details here"
    assert reads == []

    shown = Template(
        "{{ SITE_NAME }} ({{ SITE_SHORT_NAME }}), {{ CENTRE_PHONE|cut:' ' }}, {{ CENTRE.short_name|lower }}"
        "{% if CENTRE_EMAIL %}, e-mail{% endif %}"
    ).render(RequestContext(request, {}, [site]))
    assert shown == "Health Services Management Centre (HSMC), 01214147050, hsmc"
    # A plain string, which printing checks the type of directly, not through a proxy.
    context = RequestContext(request, {}, [site])
    with context.bind_template(Template("")):
        assert type(Variable("SITE_NAME").resolve(context)) is str
