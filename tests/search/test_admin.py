"""Editors see what visitors searched for, and above all what found nothing."""

import datetime

from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from hsmc_site.roles import CONTENT_EDITORS
from search.models import LoggedSearch

from .pages import parse


def log(term: str, results: int, days_ago: int = 0, times: int = 1):
    for _ in range(times):
        LoggedSearch.objects.create(
            term=term, result_count=results, searched_at=timezone.now() - datetime.timedelta(days=days_ago)
        )


def test_content_editors_may_view_the_search_log(db):
    editors = Group.objects.get(name=CONTENT_EDITORS)
    assert editors.permissions.filter(content_type__app_label="search", codename="view_loggedsearch").exists()


def test_top_searches_with_no_results_are_listed_with_counts(editor_client):
    log("apprenticeships", 0, times=3)
    log("nursing leadership", 0, times=5)
    log("nye bevan", 4, times=9)
    log("dentistry", 0, days_ago=60)
    response = editor_client.get(reverse("admin:search_loggedsearch_no_results"))
    assert response.status_code == 200
    first_table = parse(response).xpath('//div[@id="content-main"]//table')[0]
    rows = [[cell.text_content().strip() for cell in row.xpath("td")[:2]] for row in first_table.xpath("tbody/tr")]
    assert rows == [["nursing leadership", "5"], ["apprenticeships", "3"]]
    older = editor_client.get(reverse("admin:search_loggedsearch_no_results"), {"days": 90})
    assert "dentistry" in older.content.decode()


def test_the_log_changelist_filters_searches_that_found_nothing(editor_client):
    log("apprenticeships", 0)
    log("nye bevan", 4)
    response = editor_client.get(reverse("admin:search_loggedsearch_changelist"), {"found": "no"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "apprenticeships" in content
    assert "nye bevan" not in content
    assert reverse("admin:search_loggedsearch_no_results") in content


def test_the_log_is_read_only(editor_client):
    log("apprenticeships", 0)
    assert editor_client.get(reverse("admin:search_loggedsearch_add")).status_code == 403
    entry = LoggedSearch.objects.get()
    response = editor_client.post(
        reverse("admin:search_loggedsearch_change", args=[entry.pk]), {"term": "changed", "result_count": 1}
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.term == "apprenticeships"


def test_people_without_permission_cannot_see_the_report(client, enquiry_handler):
    client.force_login(enquiry_handler)
    response = client.get(reverse("admin:search_loggedsearch_no_results"))
    assert response.status_code in {302, 403}
    anonymous = client.__class__().get(reverse("admin:search_loggedsearch_no_results"))
    assert anonymous.status_code == 302
