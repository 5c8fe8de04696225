"""Entry point for uvicorn workers: `gridworker.server.asgi:app_factory` (factory=True).

Settings come from the environment (GRIDWORKER_SERVER_DB, GRIDWORKER_SERVER_FILES);
`gridworker-server serve` migrates once before starting the workers, so workers
never race to migrate.
"""

from __future__ import annotations

from fastapi import FastAPI

from gridworker.process import tune_gc
from gridworker.server.app import create_app
from gridworker.server.core.config import Settings


def app_factory() -> FastAPI:
    app = create_app(Settings(), migrate=False)
    tune_gc()  # after the app is built: its objects stay out of later collections
    return app
