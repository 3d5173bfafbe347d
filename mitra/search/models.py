"""The search index: one entry per searchable record or attached file, and its multi-valued facets.

The full-text part lives beside it, per database (see migrations/0001 and backends.py): on SQLite an FTS5 table
`search_fts` kept in step by triggers, on PostgreSQL a generated tsvector column `search_vector` with a GIN index.
Both are built from `stemmed_title` and `stemmed_body`, the analysed text (text.analyse).
"""

from __future__ import annotations

from django.db import models


class SearchEntry(models.Model):
    # The registry key of the record's kind ("cooperation.agreement"), or "documents.document" for a file.
    kind = models.CharField(max_length=60, db_index=True)
    record_type = models.CharField(max_length=60)
    record_id = models.CharField(max_length=64)
    # For a file: the record it is attached to (its kind and id), which the hit leads to.
    parent_type = models.CharField(max_length=60, blank=True)
    parent_id = models.CharField(max_length=64, blank=True)
    parent_title = models.CharField(max_length=500, blank=True)

    title = models.CharField(max_length=500)
    title_en = models.CharField(max_length=500, blank=True)
    url = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    date = models.DateField(null=True, blank=True)

    year = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    scope = models.CharField(max_length=20, blank=True, db_index=True)
    unit_id = models.IntegerField(null=True, blank=True, db_index=True)

    stemmed_title = models.TextField(blank=True)
    stemmed_body = models.TextField(blank=True)
    # A hash of everything above and the facets: a save that changes none of it writes nothing.
    fingerprint = models.CharField(max_length=64, blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record_type", "record_id"], name="search_entry_record")]
        indexes = [
            models.Index(fields=["parent_type", "parent_id"], name="search_entry_parent"),
            # Facet counts read these four columns of every matching entry: from this index, not from rows whose
            # long text (body, stemmed text) lies before them (10× faster at 300 000 entries on SQLite).
            models.Index(fields=["kind", "year", "scope", "unit_id"], name="search_entry_facets"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.record_id}: {self.title[:60]}"


class SearchFacet(models.Model):
    """A partner or country an entry concerns (an entry may concern several)."""

    PARTNER = "partner"
    COUNTRY = "country"

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="facets")
    facet = models.CharField(max_length=10)
    value = models.CharField(max_length=40)

    class Meta:
        indexes = [
            models.Index(fields=["facet", "value"], name="search_facet_value"),
            # The partner and country counts of the entries a query matches, read from the index alone.
            models.Index(fields=["entry", "facet", "value"], name="search_facet_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"
