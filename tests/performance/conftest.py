import pytest

from .servers import manage, production_env


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """Compressed, hashed static files as `collectstatic` builds them for production."""
    static_root = tmp_path_factory.mktemp("static")
    result = manage(production_env(STATIC_ROOT=str(static_root)), "collectstatic", "--noinput", "--verbosity", "0")
    assert result.returncode == 0, result.stderr
    return static_root


@pytest.fixture(scope="session")
def server_env(collected_static, tmp_path_factory):
    """Production settings on loopback, with the collected static files and a private media folder."""
    media_root = tmp_path_factory.mktemp("media")

    def make(**overrides: str) -> dict[str, str]:
        return production_env(STATIC_ROOT=str(collected_static), MEDIA_ROOT=str(media_root), **overrides)

    return make
