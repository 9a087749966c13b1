"""Static files in production: hashed names, Brotli and gzip, and far-future immutable caching."""

import json

import pytest

from .servers import Gunicorn

TEN_YEARS = 10 * 365 * 24 * 60 * 60


@pytest.fixture(scope="module")
def static_server(server_env, collected_static, tmp_path_factory):
    folder = tmp_path_factory.mktemp("static-server")
    env = server_env(DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}")
    with Gunicorn(env, folder / "gunicorn.log") as server:
        yield server


@pytest.fixture(scope="module")
def hashed_stylesheet(collected_static):
    manifest = json.loads((collected_static / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/site.css"]


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_hashed_static_file_is_compressed_and_cached_forever(static_server, hashed_stylesheet, encoding):
    response = static_server.get(hashed_stylesheet, headers={"Accept-Encoding": encoding})

    assert response.status == 200
    assert response.header("Content-Encoding") == encoding
    assert response.header("Cache-Control") == f"max-age={TEN_YEARS}, public, immutable"
    assert "Accept-Encoding" in response.header("Vary")


def test_uncompressed_static_file_is_served_to_clients_that_ask_for_no_encoding(static_server, hashed_stylesheet):
    response = static_server.get(hashed_stylesheet, headers={"Accept-Encoding": "identity"})

    assert response.status == 200
    assert response.header("Content-Encoding") is None
    assert b"{" in response.body


def test_unhashed_static_name_is_cached_for_a_bounded_time_only(static_server):
    response = static_server.get("/static/css/site.css")

    assert response.status == 200
    assert "immutable" not in response.header("Cache-Control")
    assert "max-age=31536000" in response.header("Cache-Control")


def test_static_file_answers_304_to_a_conditional_request(static_server, hashed_stylesheet):
    etag = static_server.get(hashed_stylesheet).header("ETag")

    response = static_server.get(hashed_stylesheet, headers={"If-None-Match": etag})

    assert response.status == 304
