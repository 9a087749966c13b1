"""The apps' floor plan: each app imports only the apps below it, and nothing imports the config package.

INSTALLED_APPS lists the project's apps from the base up (monitoring, security, pagecache, publishing, then the
catalogue's apps, then hsmc_site); that order is the rule. An import that points up the list, or two apps
that import each other, makes a change in one ripple into the other, which is what the floor plan stops.
Every import counts, including those inside functions: a lazy import is still a dependency.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Project apps in INSTALLED_APPS order (their top-level package is a folder of this project), each at its
# last place: hsmc_site also appears near the top, where its admin site replaces Django's.
_packages = [entry.split(".")[0] for entry in settings.INSTALLED_APPS]
APPS = sorted(
    {label for label in _packages if (PROJECT_ROOT / label / "__init__.py").exists()},
    key=lambda label: len(_packages) - _packages[::-1].index(label),
)
LEVEL = {app: level for level, app in enumerate(APPS)}


def imported_apps(app: str) -> dict[str, set[str]]:
    """{other project app: modules of `app` that import it}, from every module but the tests."""
    found: dict[str, set[str]] = {}
    for path in sorted((PROJECT_ROOT / app).rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue  # relative imports stay inside the package
            for name in names:
                top = name.split(".")[0]
                if top in LEVEL and top != app:
                    found.setdefault(top, set()).add(str(path.relative_to(PROJECT_ROOT)))
    return found


def test_the_scan_sees_the_apps_and_their_imports():
    """Guards the other tests against passing vacuously (no apps found, or no imports read)."""
    assert APPS[:4] == ["monitoring", "security", "pagecache", "publishing"]
    assert APPS[-1] == "hsmc_site"
    assert {"programmes", "research", "faculty", "search", "api"} <= set(APPS)
    assert "publishing" in imported_apps("programmes")
    assert "programmes" in imported_apps("hsmc_site")


@pytest.mark.parametrize("app", APPS)
def test_an_app_imports_only_the_apps_below_it(app):
    upward = {other: sorted(modules) for other, modules in imported_apps(app).items() if LEVEL[other] > LEVEL[app]}
    assert not upward, f"{app} imports apps listed after it in INSTALLED_APPS: {upward}"


def test_no_two_apps_import_each_other():
    imports = {app: set(imported_apps(app)) for app in APPS}
    both_ways = sorted({tuple(sorted((a, b))) for a in APPS for b in imports[a] if a in imports[b]})
    assert not both_ways
