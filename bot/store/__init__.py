"""The SQLite store: articles and their facts, server settings and the outbox."""

from bot.store.database import Store, StoredArticle, StoreError

__all__ = ["Store", "StoreError", "StoredArticle"]
