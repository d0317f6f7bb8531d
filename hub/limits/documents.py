"""Parsed and validated GraphQL documents, kept by their query text (a bounded LRU).

graphql-core parses and validates every request anew; the hub's clients send the same few
query texts again and again. A document enters the cache only once it passed the limits and
graphql-core's validation, so a hit skips both parsing and validation; the limits are still
measured on every request, since list lengths may come from its variables
(hub/limits/extension.py). The cache belongs to one schema: validation depends on it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from graphql import DocumentNode

DEFAULT_SIZE = 512


class DocumentCache:
    """Query text -> its parsed document, for documents that passed validation."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._documents: OrderedDict[str, DocumentNode] = OrderedDict()
        self._lock = threading.Lock()  # workers are processes, but a test may use threads

    def get(self, query: str) -> DocumentNode | None:
        with self._lock:
            document = self._documents.get(query)
            if document is not None:
                self._documents.move_to_end(query)
            return document

    def validated(self, query: str, document: DocumentNode) -> None:
        """Keep `document`: it passed the limits and validation."""
        with self._lock:
            self._documents[query] = document
            self._documents.move_to_end(query)
            while len(self._documents) > self.size:
                self._documents.popitem(last=False)

    def __len__(self) -> int:
        return len(self._documents)

    def __contains__(self, query: str) -> bool:
        return query in self._documents
