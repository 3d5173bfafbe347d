"""Detail-page URLs of many records, for the long lists of a page (a profile's timeline and lists)."""

from __future__ import annotations

from django.db.models import Model


class RecordUrls:
    """`record.get_absolute_url()` for many records, with one reverse() per model (~16 µs each) instead of one per
    record: a detail page's URL is the same but for the id at its end (`…/<pk>/`), so the first record's URL gives
    what stands around the id. A model whose URL does not end so gets get_absolute_url() for each record."""

    def __init__(self) -> None:
        self.before_id: dict[type, str | None] = {}

    def __call__(self, record: Model) -> str:
        model = type(record)
        if model not in self.before_id:
            url: str = record.get_absolute_url()  # type: ignore[attr-defined]
            end = f"/{record.pk}/"
            self.before_id[model] = url[: -len(end) + 1] if url.endswith(end) else None
            return url
        before = self.before_id[model]
        return f"{before}{record.pk}/" if before is not None else record.get_absolute_url()  # type: ignore[attr-defined]
