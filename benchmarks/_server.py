"""Start the site under gunicorn with production settings on 127.0.0.1, for benchmarks and scanners.

Used as a context manager:

    with ProductionServer(demo=True) as server:
        print(server.url)

It makes a throwaway SQLite database (or uses DATABASE_URL when given), migrates, loads the demo content
if asked, collects static files into a temporary folder and serves with gunicorn. Nothing outside
loopback is ever contacted.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = PROJECT_ROOT / ".venv" / "bin" / "python"


def use_project_venv() -> None:
    """Re-run the calling script with the project's virtualenv, where Django is installed."""
    if VENV_PYTHON.exists() and Path(sys.prefix).resolve() != (PROJECT_ROOT / ".venv").resolve():
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), *sys.argv])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ProductionServer:
    def __init__(
        self,
        *,
        demo: bool = True,
        database_url: str = "",
        redis_url: str = "",
        workers: int = 2,
        port: int = 0,
        extra_env: dict[str, str] | None = None,
    ):
        self.demo = demo
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workdir = Path(tempfile.mkdtemp(prefix="hsmc-bench-"))
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))},
            "DJANGO_SETTINGS_MODULE": "hsmc_site.settings",
            "DJANGO_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": self.url,
            # Plain HTTP on loopback: no redirect to https, which a benchmark cannot follow.
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": database_url or f"sqlite:///{self.workdir / 'bench.sqlite3'}",
            "STATIC_ROOT": str(self.workdir / "static"),
            "MEDIA_ROOT": str(self.workdir / "media"),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(workers),
            "LOG_LEVEL": "WARNING",
            **({"REDIS_URL": redis_url} if redis_url else {}),
            **(extra_env or {}),
        }
        self.process: subprocess.Popen | None = None

    def manage(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(VENV_PYTHON), "manage.py", *args], cwd=PROJECT_ROOT, env=self.env, check=True, **kwargs
        )

    def __enter__(self) -> ProductionServer:
        quiet = {"stdout": subprocess.DEVNULL}
        self.manage("migrate", "--noinput", **quiet)
        if self.demo:
            self.manage("load_demo_content", **quiet)
        self.manage("collectstatic", "--noinput", **quiet)
        self.process = subprocess.Popen(
            [
                str(VENV_PYTHON),
                "-m",
                "gunicorn",
                "hsmc_site.wsgi:application",
                "-c",
                "gunicorn.conf.py",
                "--access-logfile",
                "/dev/null",
            ],
            cwd=PROJECT_ROOT,
            env=self.env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not answer on {self.url} within 60 s")

    def __exit__(self, *exc_info) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def django_setup(self) -> None:
        """Point this process at the server's database, to look up URLs of real records."""
        os.environ.update(self.env)
        sys.path.insert(0, str(PROJECT_ROOT))
        import django

        django.setup()
