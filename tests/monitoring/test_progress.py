import io

from django.core.management import call_command

from monitoring.progress import Progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_on_a_terminal_progress_shows_a_count_and_an_estimate_on_one_line():
    terminal, clock = Terminal(), Clock()
    progress = Progress(terminal, total=400, label="Indexing", clock=clock)

    clock.now = 10.0
    progress.advance(100)
    clock.now = 20.0
    progress.advance(100)
    progress.finish()

    drawn = terminal.getvalue()
    assert "\rIndexing: 100 of 400 (25%), about 30 s left" in drawn
    assert "\rIndexing: 200 of 400 (50%), about 20 s left" in drawn
    assert drawn.endswith("\n") and drawn.count("\n") == 1  # redrawn in place, one line in the end


def test_in_cron_or_a_log_file_nothing_is_written():
    log = io.StringIO()  # not a terminal
    progress = Progress(log, total=10, label="Indexing")
    progress.advance(10)
    progress.finish()

    assert log.getvalue() == ""


def test_long_commands_report_progress_on_a_terminal_only(db, monkeypatch):
    from tests.factories import ProgrammeFactory

    ProgrammeFactory.create_batch(3)
    terminal, log = Terminal(), io.StringIO()

    call_command("rebuild_search_index", stdout=io.StringIO(), stderr=terminal)
    call_command("rebuild_search_index", stdout=log, stderr=log)

    assert "Indexing records: 3 of 3 (100%)" in terminal.getvalue()
    assert log.getvalue().startswith("Search index rebuilt: 3 programmes")


def test_the_demo_loader_reports_progress_on_a_terminal(db):
    terminal = Terminal()
    call_command("load_demo_content", stdout=io.StringIO(), stderr=terminal)
    assert "Loading demo records: " in terminal.getvalue()
    assert "(100%)" in terminal.getvalue()


def test_a_progress_line_can_be_erased_for_output_that_follows():
    terminal = Terminal()
    progress = Progress(terminal, total=2, label="Rendering home")
    progress.advance(2)
    progress.finish(erase=True)

    assert terminal.getvalue().endswith("\r\x1b[K")
