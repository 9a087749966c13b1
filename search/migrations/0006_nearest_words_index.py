import django.contrib.postgres.indexes
from django.db import migrations

from search.operations import AddIndexOnPostgres


class Migration(migrations.Migration):
    dependencies = [("search", "0005_seed_synonyms")]

    operations = [
        AddIndexOnPostgres(
            model_name="searchword",
            index=django.contrib.postgres.indexes.GistIndex(
                django.contrib.postgres.indexes.OpClass("word", name="gist_trgm_ops"), name="search_word_trgm_nearest"
            ),
        ),
    ]
