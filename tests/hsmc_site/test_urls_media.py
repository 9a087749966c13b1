"""Uploads are served by the app only where MEDIA_SERVED_BY_APP says so, and then cached for good."""

from django.test import RequestFactory

from hsmc_site.urls import media_patterns


def test_uploads_are_served_with_immutable_caching_when_the_app_serves_them(settings, tmp_path):
    settings.MEDIA_SERVED_BY_APP = True
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "programme").mkdir()
    (tmp_path / "programme" / "a.webp").write_bytes(b"RIFF....WEBP")

    [pattern] = media_patterns()
    match = pattern.resolve("media/programme/a.webp")
    response = match.func(RequestFactory().get("/media/programme/a.webp"), *match.args, **match.kwargs)

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert pattern.resolve("static/a.webp") is None


def test_production_leaves_uploads_to_the_object_store_or_the_proxy(settings):
    settings.MEDIA_SERVED_BY_APP = False
    assert media_patterns() == []
