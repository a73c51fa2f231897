"""The SQLite store: articles and their facts, server settings and the outbox."""

from bot.store.database import Store, StoredArticle, StoreError, describe_db_error

__all__ = ["Store", "StoreError", "StoredArticle", "describe_db_error"]
