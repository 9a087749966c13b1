import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations, models

from search.operations import AddIndexOnPostgres, RunSQLOnPostgres

KINDS = [
    ("programme", "Programme"),
    ("project", "Research project"),
    ("person", "Person"),
    ("work-stream", "Work stream"),
    ("topic", "Topic"),
]

# English stemming and stop words, with accents removed first so that "Zoe" finds "Zoë".
CREATE_CONFIGURATION = """
CREATE TEXT SEARCH CONFIGURATION search_english (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION search_english
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
"""
DROP_CONFIGURATION = "DROP TEXT SEARCH CONFIGURATION IF EXISTS search_english;"


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        RunSQLOnPostgres(CREATE_CONFIGURATION, DROP_CONFIGURATION),
        migrations.CreateModel(
            name="LoggedSearch",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "term",
                    models.CharField(
                        db_index=True,
                        help_text="What the visitor typed, in lower case with spaces tidied.",
                        max_length=200,
                    ),
                ),
                (
                    "corrected_term",
                    models.CharField(
                        blank=True,
                        help_text="The spelling correction the site searched for, if any.",
                        max_length=200,
                        verbose_name="searched instead for",
                    ),
                ),
                ("kind", models.CharField(blank=True, choices=KINDS, max_length=20, verbose_name="type filter")),
                ("result_count", models.PositiveIntegerField(verbose_name="results")),
                ("searched_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
            ],
            options={
                "verbose_name": "logged search",
                "verbose_name_plural": "search log",
                "ordering": ["-searched_at"],
            },
        ),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("word", models.CharField(max_length=60, unique=True)),
            ],
            options={
                "verbose_name": "search word",
                "ordering": ["word"],
            },
        ),
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("object_id", models.PositiveBigIntegerField()),
                ("kind", models.CharField(choices=KINDS, db_index=True, max_length=20)),
                ("title", models.CharField(max_length=300)),
                (
                    "keywords",
                    models.TextField(
                        blank=True,
                        help_text="Other spellings of words in the title (e.g. 'intercalated'), weighted like it.",
                    ),
                ),
                ("summary", models.TextField(blank=True)),
                ("body", models.TextField(blank=True)),
                ("related", models.TextField(blank=True, help_text="Names of linked partners, people and topics.")),
                ("url", models.CharField(max_length=500)),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "Draft"), ("published", "Published")], default="draft", max_length=10
                    ),
                ),
                ("publish_from", models.DateTimeField(blank=True, null=True)),
                ("vector", django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
                ("indexed_at", models.DateTimeField(auto_now=True)),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="contenttypes.contenttype"
                    ),
                ),
            ],
            options={
                "verbose_name": "search document",
                "ordering": ["title"],
                "constraints": [
                    models.UniqueConstraint(fields=("content_type", "object_id"), name="unique_search_document")
                ],
            },
        ),
        # With statistics, the planner reads a word found in most documents as "scan the whole table",
        # which checks every row's vector; the GIN index answers `@@` exactly, so it is faster for any word.
        RunSQLOnPostgres(
            "ALTER TABLE search_searchdocument ALTER COLUMN vector SET STATISTICS 0;",
            "ALTER TABLE search_searchdocument ALTER COLUMN vector SET STATISTICS -1;",
        ),
        AddIndexOnPostgres(
            model_name="searchword",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass("word", name="gin_trgm_ops"), name="search_word_trgm"
            ),
        ),
        AddIndexOnPostgres(
            model_name="searchdocument",
            index=django.contrib.postgres.indexes.GinIndex(fields=["vector"], name="search_document_vector"),
        ),
        AddIndexOnPostgres(
            model_name="searchdocument",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("title"), name="gin_trgm_ops"
                ),
                name="search_document_title_trgm",
            ),
        ),
    ]
