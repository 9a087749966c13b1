"""How many instructions a page's request executes, counted by Valgrind's callgrind: repeatable where CPU time is not.

`benchmarks/render --instructions` uses it. CPU time moves between runs by a tenth or more, and on a virtual
machine it also grows with the time a process spends waiting: a search that waited 30 ms more for PostgreSQL
was charged about 3 ms more CPU for the same work (issue 19, docs/deployment.md). An instruction count
moves far less between runs of the same code and data (most pages within 2% here), whatever else the machine
is doing, and counts only this process's own work, so it says whether a page's work grows with the catalogue.

Run as a script, it is the child that callgrind runs: it reads `{label: [url, ...]}` as JSON on its standard
input, warms each page type with its first URL (as render does), then requests the URLs in turn `runs` times,
asking callgrind (through `callgrind_control`) to write its count after each request. The parent takes each
page type's median, as render does for time: a page's first visit to a record also renders the fragments
kept for it, and a mean would be mostly those.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

# A file callgrind_control's `--dump=page3-run7` made begins with "desc: Trigger: dump page3-run7".
DUMP_DESCRIPTION = re.compile(r"^desc: Trigger: dump page(\d+)-run\d+$", re.M)
TOTALS = re.compile(r"^totals: (\d+)", re.M)


def count_instructions(pages: dict[str, list[str]], *, runs: int, database_url: str) -> dict[str, float]:
    """Median millions of instructions per request for each page type, its URLs requested `runs` times in a
    child process under callgrind, against `database_url` (a database the child can open: not SQLite in memory)."""
    if not shutil.which("valgrind") or not shutil.which("callgrind_control"):
        raise RuntimeError("counting instructions needs Valgrind: apt-get install valgrind")
    with tempfile.TemporaryDirectory(prefix="hsmc-callgrind-") as workdir:
        child = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={workdir}/callgrind.out",
                sys.executable,
                __file__,
                str(runs),
            ],
            input=json.dumps(pages),
            capture_output=True,
            text=True,
            env={**os.environ, "DATABASE_URL": database_url},
        )
        if child.returncode:
            raise RuntimeError(f"the requests under callgrind failed:\n{child.stderr[-2000:]}")
        counted: dict[int, list[int]] = {}
        for dump in Path(workdir).glob("callgrind.out.*"):
            text = dump.read_text(errors="replace")
            if (described := DUMP_DESCRIPTION.search(text)) and (totals := TOTALS.search(text)):
                counted.setdefault(int(described.group(1)), []).append(int(totals.group(1)))
    return {label: statistics.median(counted[index]) / 1e6 for index, label in enumerate(pages) if index in counted}


def _dump(label: str) -> None:
    """Write callgrind's count so far to a file of its own, and start counting from zero again."""
    subprocess.run(["callgrind_control", f"--dump={label}", str(os.getpid())], check=True, capture_output=True)


def _request_pages(runs: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    pages = json.load(sys.stdin)
    client = Client()
    for index, urls in enumerate(pages.values()):
        client.get(urls[0])  # warm template and URL caches, as render does
        _dump(f"warm{index}")
        for run in range(runs):
            client.get(urls[run % len(urls)])
            _dump(f"page{index}-run{run}")


if __name__ == "__main__":
    _request_pages(int(sys.argv[1]))
