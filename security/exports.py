"""CSV exports whose cells a spreadsheet cannot run as formulas."""

from import_export.formats.base_formats import CSV

# A spreadsheet treats a cell that starts with one of these as a formula (=HYPERLINK(...), =cmd|'/c calc').
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")


def spreadsheet_safe(value):
    """A CSV cell that spreadsheets show as text: a leading formula character gets a leading apostrophe.

    Numbers are left as numbers; only text that a spreadsheet would evaluate is changed (OWASP's advice).
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _unescape_cell(value):
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


class SpreadsheetSafeCSV(CSV):
    """django-import-export's CSV with formula cells neutralised on export and restored on import.

    The library's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips a leading "=", which leaves
    "+", "-" and "@" formulas live; this prefixes them all, and a file exported here imports back unchanged.
    """

    def export_data(self, dataset, **kwargs):
        import tablib

        safe = tablib.Dataset(title=dataset.title)
        if dataset.headers:
            safe.headers = [spreadsheet_safe(header) for header in dataset.headers]
        for row in dataset:
            safe.append([spreadsheet_safe(cell) for cell in row])
        return super().export_data(safe, **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        import tablib

        dataset = super().create_dataset(in_stream, **kwargs)
        restored = tablib.Dataset(headers=dataset.headers, title=dataset.title)
        for row in dataset:
            restored.append([_unescape_cell(cell) for cell in row])
        return restored
