"""Helpers for benchmarks/loadtest: production settings, a gunicorn on loopback, and wrk with a Lua summary."""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Requests as a browser behind the deployment's TLS-terminating proxy sends them.
HEADERS = {"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip, br", "User-Agent": "hsmc-loadtest"}
# wrk calls done() once at the end: latency percentiles in microseconds and the error counters.
SUMMARY_LUA = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRKJSON {\"requests\":%d,\"duration_us\":%d,\"connect\":%d,\"read\":%d,\"write\":%d," ..
    "\"status\":%d,\"timeout\":%d,\"p50\":%d,\"p99\":%d,\"max\":%d}\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""
# Round robin over the paths until `limit` responses; wrk runs for its whole duration even when a thread
# stops, so the thread says LIMIT and run_wrk_requests interrupts wrk, which still calls done().
ROUND_ROBIN_LUA = r"""
local paths = {%(paths)s}
local limit = %(limit)d
local turn, answered = 0, 0
request = function()
  turn = turn %% #paths + 1
  return wrk.format(nil, paths[turn])
end
response = function(status, headers, body)
  answered = answered + 1
  if answered == limit then
    io.write("LIMIT\n")
    io.flush()
    wrk.thread:stop()
  end
end
"""


def production_env(**overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "PAGE_CACHE", "GUNICORN_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="hsmc_site.settings",
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL="https://hsmc.example.ac.uk",
        LOG_LEVEL="WARNING",
    )
    env.update(overrides)
    return env


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        text=True,
        check=True,
    )
    return result.stdout or ""


def run_django(env: dict[str, str], code: str) -> str:
    """Run code with Django set up in the server's environment; returns what it prints."""
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return result.stdout


class Gunicorn:
    def __init__(self, env: dict[str, str], port: int, log_path: Path):
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "hsmc_site.wsgi:application", "-c", "gunicorn.conf.py"]
                + ["--access-logfile", "/dev/null"],
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if self.request("/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        raise SystemExit(f"gunicorn did not start on {self.url}:\n{self.log_path.read_text()[-2000:]}")

    def __exit__(self, *exc_info) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def request(self, path: str, headers: dict[str, str] | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path, headers=headers or {"X-Forwarded-Proto": "https"})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def wait_until_idle(self, limit: float = 60.0) -> None:
        """Let the server finish requests queued by the previous run, so they do not count against the next."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                self.request("/healthz")
            except OSError:
                pass
            if time.monotonic() - started < 0.2:
                return
            time.sleep(0.5)

    def preflight(self, path: str) -> tuple[int, int, str | None]:
        """One request as wrk will send it (then a second, which a warm page cache answers)."""
        self.request(path, HEADERS)
        status, headers, body = self.request(path, HEADERS)
        return status, len(body), headers.get("X-Page-Cache")

    def fetch_text(self, path: str) -> str:
        return self.request(path)[2].decode("utf-8", "replace")

    def worker_rss_mb(self) -> dict[int, float]:
        """Resident memory (VmRSS) of each worker, the master's children, by process id."""
        workers = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                # "pid (name) state ppid ...": the name may hold spaces and brackets, so split after the last ")".
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                if parent != self.process.pid:
                    continue
                for line in (entry / "status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        workers[int(entry.name)] = int(line.split()[1]) / 1024
            except (OSError, ValueError, IndexError):
                continue  # gone meanwhile
        return workers


@dataclass
class WrkResult:
    rps: float
    requests: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    socket_errors: int
    http_errors: int

    @property
    def errors(self) -> int:
        return self.socket_errors + self.http_errors

    def as_dict(self) -> dict:
        return {**asdict(self), "errors": self.errors}


def wrk_command(script: str, connections: int, seconds: int) -> list[str]:
    """One wrk thread: it needs far less than a core, and the rest is left to the server."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script]
    for name, value in HEADERS.items():
        command += ["-H", f"{name}: {value}"]
    return command


def run_wrk(url: str, connections: int, seconds: int) -> WrkResult:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(SUMMARY_LUA)
    try:
        output = subprocess.run(
            [*wrk_command(script.name, connections, seconds), url],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=False,
        ).stdout
    finally:
        os.unlink(script.name)
    return parse_wrk(url, output)


def run_wrk_requests(base_url: str, paths: list[str], connections: int, requests: int) -> WrkResult:
    """About `requests` requests cycling through the paths (up to `connections` more are in flight at the end)."""
    lua_paths = ", ".join(json.dumps(path) for path in paths)  # ASCII paths: a JSON string is a Lua string
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(ROUND_ROBIN_LUA % {"paths": lua_paths, "limit": requests} + SUMMARY_LUA)
    # At most an hour: wrk stops at the limit, long before on any server that meets the targets.
    command = [*wrk_command(script.name, connections, 3600), base_url]
    try:
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as wrk:
            lines = []
            for line in wrk.stdout:
                lines.append(line)
                if line.strip() == "LIMIT":
                    wrk.send_signal(signal.SIGINT)
            wrk.wait()
    finally:
        os.unlink(script.name)
    return parse_wrk(base_url, "".join(lines))


def parse_wrk(url: str, output: str) -> WrkResult:
    match = re.search(r"WRKJSON (\{.*\})", output)
    if not match:
        raise SystemExit(f"wrk failed for {url}:\n{output[-1000:]}")
    data = json.loads(match.group(1))
    # wrk's status count is responses of 400 and above; socket errors are counted separately.
    return WrkResult(
        rps=data["requests"] / (data["duration_us"] / 1e6),
        requests=data["requests"],
        p50_ms=data["p50"] / 1000,
        p99_ms=data["p99"] / 1000,
        max_ms=data["max"] / 1000,
        socket_errors=data["connect"] + data["read"] + data["write"] + data["timeout"],
        http_errors=data["status"],
    )
