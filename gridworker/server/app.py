"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware

from gridworker import __version__
from gridworker.server import errors
from gridworker.server.api.routes import auth
from gridworker.server.core.config import Settings
from gridworker.server.core.db import make_engine, session_factory, transaction
from gridworker.server.meta import ensure_initialised
from gridworker.server.migrate import upgrade


def create_app(settings: Settings | None = None, *, migrate: bool = True) -> FastAPI:
    settings = settings or Settings()
    engine = make_engine(settings.db_url)
    if migrate:
        upgrade(engine)
    sessions = session_factory(engine)
    with transaction(sessions) as s:
        ensure_initialised(s)
    app = FastAPI(
        title="GridWorker sync server",
        version=__version__,
        description="Sync, conflicts and attachments for GridWorker clients (DESIGN.md §4).",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    # Large pull pages compress well (JSON with repeated keys).
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    errors.install(app)
    app.include_router(auth.router)
    for name in ("sync", "conflicts", "attachments"):
        try:
            module = __import__(f"gridworker.server.api.routes.{name}", fromlist=["router"])
        except ModuleNotFoundError:
            continue
        app.include_router(module.router)

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        """200 when the server can reach its database."""
        with transaction(sessions, write=False) as s:
            s.execute(__import__("sqlalchemy").text("SELECT 1"))
        return {"status": "ok", "version": __version__}

    return app
