"""Real gunicorn app servers with production settings on 127.0.0.1, for tests that need separate processes.

Ports come from TEST_SERVER_PORTS (for example "8171-8189") when set, else from the operating system.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Read from the environment by settings.py; never inherited from the test process.
SITE_VARIABLES = ("DJANGO_", "DATABASE_URL", "REDIS_URL", "PAGE_CACHE", "SECRET_KEY", "ALLOWED_HOSTS", "GUNICORN_")


def free_port() -> int:
    spec = os.environ.get("TEST_SERVER_PORTS", "")
    if spec:
        first, _, last = spec.partition("-")
        candidates = list(range(int(first), int(last or first) + 1))
        random.shuffle(candidates)  # parallel test workers rarely pick the same one
    else:
        candidates = [0]
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"no free port in TEST_SERVER_PORTS={spec}")


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a production deployment on loopback, plain HTTP, with the given overrides."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(SITE_VARIABLES)}
    env.update(
        DJANGO_SETTINGS_MODULE="hsmc_site.settings",
        DJANGO_ENV="production",
        SECRET_KEY="test-only-" + secrets.token_urlsafe(40),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="https://hsmc.example.ac.uk",
        SECURE_SSL_REDIRECT="false",
        STAFF_2FA_REQUIRED="false",
        LOG_LEVEL="WARNING",
    )
    env.update(overrides)
    return env


def manage(env: dict[str, str], *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class Response:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name: str, default: str | None = None) -> str | None:
        values = self.header_list(name)
        return ", ".join(values) if values else default

    def header_list(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def cookies(self) -> dict[str, str]:
        found = {}
        for line in self.header_list("Set-Cookie"):
            name, _, rest = line.partition("=")
            found[name.strip()] = rest.split(";", 1)[0]
        return found


class Gunicorn:
    """`with Gunicorn(env, log_path) as server: server.get("/")`; stopped (process group) on exit."""

    def __init__(self, env: dict[str, str], log_path: Path, *, workers: int = 2, extra_args: tuple[str, ...] = ()):
        self.base_env = env
        self.log_path = log_path
        self.workers = workers
        self.extra_args = extra_args
        self.process: subprocess.Popen | None = None
        self.port = 0

    def __enter__(self) -> Gunicorn:
        for _attempt in range(5):
            self.port = free_port()
            if self._start():
                return self
        raise RuntimeError(f"gunicorn did not start; see {self.log_path}:\n{self.log()[-3000:]}")

    def _start(self) -> bool:
        env = {
            **self.base_env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(self.workers),
        }
        self.env = env
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "hsmc_site.wsgi:application", "-c", "gunicorn.conf.py"]
                + ["--access-logfile", "/dev/null", *self.extra_args],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False  # for example the port was taken meanwhile: try another
            try:
                self.get("/healthz", timeout=5)
                return True
            except OSError:
                time.sleep(0.2)
        self.stop()
        return False

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def request(self, method: str, path: str, *, headers=None, body: bytes | None = None, timeout=30) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            # One public host name whichever server answers, as behind a load balancer.
            connection.request(method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})})
            response = connection.getresponse()
            return Response(response.status, response.getheaders(), response.read())
        finally:
            connection.close()

    def get(self, path: str, *, headers=None, timeout=30) -> Response:
        return self.request("GET", path, headers=headers, timeout=timeout)


class StallingServer:
    """A TCP server on loopback that accepts connections and never answers: a hung database or Redis.

    `with StallingServer() as server: ... server.port`. Accepted connections are held open, unread,
    until the server stops.
    """

    def __init__(self):
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> StallingServer:
        self._thread.start()
        return self

    def _accept(self) -> None:
        while True:
            try:
                connection, _address = self._listener.accept()
            except OSError:
                return  # stopped
            self._held.append(connection)

    def __exit__(self, *exc_info) -> None:
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self._listener.close()
        for connection in self._held:
            connection.close()
