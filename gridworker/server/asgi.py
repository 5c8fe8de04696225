"""Entry point for uvicorn workers: `gridworker.server.asgi:app_factory` (factory=True).

Settings come from the environment (GRIDWORKER_SERVER_DB, GRIDWORKER_SERVER_FILES);
`gridworker-server serve` migrates once before starting the workers, so workers
never race to migrate.
"""

from __future__ import annotations

from fastapi import FastAPI

from gridworker.server.app import create_app
from gridworker.server.core.config import Settings


def app_factory() -> FastAPI:
    return create_app(Settings(), migrate=False)
