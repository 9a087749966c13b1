"""The search index and the log of what visitors searched for.

The index is one table of documents, one row per findable record, so search never reaches into the
other apps' tables at query time and one query ranks programmes, projects, people, work streams and
topics together. Rows are kept up to date by `search.signals`; `manage.py rebuild_search_index`
rebuilds them all.
"""

from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GinIndex, GistIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone

from publishing.models import PublishableQuerySet, Status

from .fts5 import FullTextField
from .query import STOP_WORDS, words


class Kind(models.TextChoices):
    """What a search result is. The values appear in shareable URLs (`?type=programme`)."""

    PROGRAMME = "programme", "Programme"
    PROJECT = "project", "Research project"
    PERSON = "person", "Person"
    WORK_STREAM = "work-stream", "Work stream"
    TOPIC = "topic", "Topic"

    @property
    def plural(self) -> str:
        return {
            Kind.PROGRAMME: "Programmes",
            Kind.PROJECT: "Research projects",
            Kind.PERSON: "People",
            Kind.WORK_STREAM: "Work streams",
            Kind.TOPIC: "Topics",
        }[self]


class SearchDocumentQuerySet(PublishableQuerySet):
    """`published()` is inherited: the index applies the very rule the catalogue pages apply."""


class SearchDocument(models.Model):
    """The searchable text of one record, split by importance, with its precomputed search vector.

    Every record is indexed, drafts included, with a copy of its publishing fields; queries go through
    `published()`, so a draft never shows and a scheduled record appears when its time comes, without
    waiting for a save.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    title = models.CharField(max_length=300)
    keywords = models.TextField(
        blank=True, help_text="Other spellings of words in the title (e.g. 'intercalated'), weighted like it."
    )
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    related = models.TextField(blank=True, help_text="Names of linked partners, people and topics.")
    url = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_from = models.DateTimeField(null=True, blank=True)
    # Filled by PostgreSQL from the text columns above (see search.backends.postgres); NULL on SQLite.
    vector = SearchVectorField(null=True, editable=False)
    indexed_at = models.DateTimeField(auto_now=True)

    objects = SearchDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = "search document"
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="unique_search_document"),
        ]
        indexes = [
            GinIndex(fields=["vector"], name="search_document_vector"),
            # Speeds up the suggestions' `title__icontains`, which PostgreSQL runs as UPPER(title) LIKE.
            GinIndex(OpClass(Upper("title"), name="gin_trgm_ops"), name="search_document_title_trgm"),
            # Finds the documents whose whole title is what was typed (`title__iexact`, UPPER(title) = UPPER(%s))
            # for the ranking's bonus, instead of upper-casing the title of every match (search.backends.base).
            models.Index(Upper("title"), name="search_document_title_upper"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self) -> str:
        return self.url


class DocumentText(models.Model):
    """SQLite only: the FTS5 index of the documents' text (migration 0004), kept current by triggers.

    Not managed by Django: it is a virtual table whose rows follow `SearchDocument` by rowid.
    """

    document = models.OneToOneField(
        SearchDocument, on_delete=models.DO_NOTHING, primary_key=True, db_column="rowid", related_name="fts"
    )
    text = FullTextField(db_column="search_document_fts")

    class Meta:
        managed = False
        db_table = "search_document_fts"
        verbose_name = "document text"

    def __str__(self) -> str:
        return str(self.document_id)

    def get_absolute_url(self) -> str:
        return self.document.url


class SearchWord(models.Model):
    """A word that occurs in published text: the vocabulary misspelt queries are corrected against."""

    word = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["word"]
        verbose_name = "search word"
        indexes = [
            GinIndex(OpClass("word", name="gin_trgm_ops"), name="search_word_trgm"),
            # Answers "the words nearest by trigram distance" (`ORDER BY word <-> %s`), which GIN cannot.
            GistIndex(OpClass("word", name="gist_trgm_ops"), name="search_word_trgm_nearest"),
        ]

    def __str__(self) -> str:
        return self.word


class Synonym(models.Model):
    """A word people type that means more than its letters: an abbreviation, a common name for a programme.

    Applied to searches on every database: a search for the term also finds what it stands for.
    """

    term = models.CharField(
        max_length=40,
        help_text="One word as people type it, e.g. the abbreviation 'HEEWM'. Capitals and accents do not matter.",
    )
    meaning = models.CharField(
        max_length=200,
        help_text="What a search for the term should find as well, e.g. 'Health Education England in the West "
        "Midlands'. Add another synonym with the same term for a second meaning.",
    )

    class Meta:
        ordering = ["term", "meaning"]
        verbose_name = "search synonym"
        constraints = [models.UniqueConstraint(fields=["term", "meaning"], name="unique_search_synonym")]

    def __str__(self) -> str:
        return f"{self.term} → {self.meaning}"

    def save(self, *args, **kwargs):
        # Stored as searches are read (lower case, no accents), so one indexed lookup finds it.
        self.term = " ".join(words(self.term))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{reverse('search:results')}?{urlencode({'q': self.term})}"

    def clean(self) -> None:
        if len(words(self.term)) != 1:
            raise ValidationError({"term": "Enter one word, without spaces or punctuation (e.g. HEEWM)."})
        # Normalised before the unique check runs, so "HEEWM" is seen to repeat a stored "heewm".
        self.term = words(self.term)[0]
        if not [word for word in words(self.meaning) if word not in STOP_WORDS]:
            raise ValidationError({"meaning": "Enter at least one word to search for."})


class LoggedSearchQuerySet(models.QuerySet):
    def without_results(self):
        return self.filter(result_count=0)

    def since(self, moment):
        return self.filter(searched_at__gte=moment)

    def top_terms(self, limit: int = 50):
        """The most frequent terms, with how often they were searched and when last."""
        return (
            self.values("term")
            .annotate(searches=models.Count("id"), last_searched=models.Max("searched_at"))
            .order_by("-searches", "term")[:limit]
        )


class LoggedSearch(models.Model):
    """One search made on the public site. Deliberately anonymous: no IP address, user or session."""

    term = models.CharField(
        max_length=200, help_text="What the visitor typed, in lower case with spaces tidied.", db_index=True
    )
    corrected_term = models.CharField(
        "searched instead for",
        max_length=200,
        blank=True,
        help_text="The spelling correction the site searched for, if any.",
    )
    kind = models.CharField("type filter", max_length=20, choices=Kind.choices, blank=True)
    result_count = models.PositiveIntegerField("results")
    searched_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = LoggedSearchQuerySet.as_manager()

    class Meta:
        ordering = ["-searched_at"]
        verbose_name = "logged search"
        verbose_name_plural = "search log"

    def __str__(self) -> str:
        return f"“{self.term}”: {self.result_count} results"
