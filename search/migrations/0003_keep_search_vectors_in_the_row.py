from django.db import migrations

from search.operations import RunSQLOnPostgres

# Rows longer than about 2 kB are slimmed by TOAST, which moved the search vector out of the row
# first (it is the largest column) and left the body in. Ranking reads every matching vector, so
# each match cost extra page reads: for a word in 3,000 documents, 12,000 buffers instead of 2,000
# and twice the CPU. MAIN storage keeps the vector in the row and moves the long text out instead;
# concatenating an empty vector rewrites existing values under the new rule.
FORWARD = """
ALTER TABLE search_searchdocument ALTER COLUMN vector SET STORAGE MAIN;
UPDATE search_searchdocument SET vector = vector || ''::tsvector WHERE vector IS NOT NULL;
"""
BACKWARD = "ALTER TABLE search_searchdocument ALTER COLUMN vector SET STORAGE EXTENDED;"


class Migration(migrations.Migration):
    dependencies = [("search", "0002_content_editors_view_search_log")]

    operations = [RunSQLOnPostgres(FORWARD, BACKWARD)]
