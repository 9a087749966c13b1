"""publishing.paths: reverse(), remembered, and never wrong for the request at hand."""

from django.test import override_settings
from django.urls import reverse, set_script_prefix

from publishing import paths
from publishing.paths import path_to


def test_a_path_is_reverse_and_is_worked_out_once(monkeypatch):
    paths._reverse.cache_clear()
    calls = []
    original = paths.reverse
    monkeypatch.setattr(paths, "reverse", lambda *args, **kwargs: calls.append(args) or original(*args, **kwargs))

    first = path_to("programmes:detail", slug="nye-bevan")
    again = path_to("programmes:detail", slug="nye-bevan")
    other = path_to("programmes:detail", slug="elizabeth-garrett-anderson")

    assert first == again == reverse("programmes:detail", kwargs={"slug": "nye-bevan"})
    assert other == reverse("programmes:detail", kwargs={"slug": "elizabeth-garrett-anderson"})
    assert path_to("home") == reverse("home")
    assert len(calls) == 3


def test_a_site_served_under_a_prefix_gets_its_own_paths():
    plain = path_to("programmes:detail", slug="nye-bevan")
    set_script_prefix("/hsmc/")
    try:
        prefixed = path_to("programmes:detail", slug="nye-bevan")
    finally:
        set_script_prefix("/")

    assert prefixed == "/hsmc" + plain
    assert path_to("programmes:detail", slug="nye-bevan") == plain


@override_settings(ROOT_URLCONF="tests.publishing.other_urls")
def test_another_url_configuration_gets_its_own_paths():
    assert path_to("programmes:detail", slug="nye-bevan") == "/elsewhere/nye-bevan/"
