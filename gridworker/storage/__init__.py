"""Encrypted local store: SQLCipher engine, key vault, models, outbox, attachments."""
