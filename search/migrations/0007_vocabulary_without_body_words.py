from django.db import migrations

BATCH_SIZE = 1000


def rebuild_vocabulary(apps, schema_editor):
    """Draw the vocabulary again under the current rule (titles, names, partners, topics, summaries).

    PostgreSQL's held the words of the body as well. Words are now forgotten by reading only those
    fields, so a body word would have stayed for good, even after its record was unpublished.
    """
    from search.backends.base import VOCABULARY_FIELDS, public_words

    SearchDocument = apps.get_model("search", "SearchDocument")
    SearchWord = apps.get_model("search", "SearchWord")
    SearchWord.objects.all().delete()
    documents = SearchDocument.objects.only("status", "publish_from", *VOCABULARY_FIELDS).order_by("pk")
    batch = []
    for document in documents.iterator(chunk_size=BATCH_SIZE):
        batch.append(document)
        if len(batch) == BATCH_SIZE:
            _add(SearchWord, public_words(batch))
            batch = []
    _add(SearchWord, public_words(batch))


def _add(SearchWord, words):
    SearchWord.objects.bulk_create([SearchWord(word=word) for word in sorted(words)], ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("search", "0006_nearest_words_index")]

    operations = [migrations.RunPython(rebuild_vocabulary, migrations.RunPython.noop)]
