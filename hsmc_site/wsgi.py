import logging
import os
import sys
import time

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hsmc_site.settings")

application = get_wsgi_application()

logger = logging.getLogger(__name__)


def warm_up() -> None:
    """Do once, in a server process that forks its workers, what each worker would do on its first requests.

    Imports every view (through the URLs) and compiles the project's own templates (a broken one stops the
    server here, at deploy, rather than on a visitor's request), then closes any database connection: a forked
    worker must never share one with its parent.
    """
    from django.conf import settings
    from django.db import connections
    from django.template import engines
    from django.template.autoreload import get_template_directories
    from django.urls import get_resolver

    started = time.process_time()
    get_resolver().url_patterns  # noqa: B018 (importing the views is the point)
    engine = engines["django"]
    templates = 0
    for directory in get_template_directories():
        # Ours only (a virtualenv may sit inside the project): third-party templates still compile on first use.
        if directory.is_relative_to(settings.BASE_DIR) and not directory.is_relative_to(sys.prefix):
            for path in directory.rglob("*.*"):
                engine.get_template(path.relative_to(directory).as_posix())
                templates += 1
    connections.close_all()
    logger.info("warmed up: URLs and %d templates in %.0f ms of CPU", templates, (time.process_time() - started) * 1e3)
