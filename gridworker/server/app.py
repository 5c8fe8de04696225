"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gridworker import __version__
from gridworker.protocol import HTTP_STATUS, ErrorCode
from gridworker.server import errors
from gridworker.server.api.routes import attachments, auth, checklists, conflicts, reference, sync
from gridworker.server.core.config import Settings
from gridworker.server.core.db import make_engine, session_factory, transaction
from gridworker.server.meta import ensure_initialised
from gridworker.server.migrate import upgrade
from gridworker.server.special_tags import rekey_special_tags


class BodyLimit:
    """413 `too_large` for a request body over `max_bytes`, before anything parses it.

    A declared Content-Length is checked up front; a chunked body is counted as it
    arrives. Without this, a 100 MB JSON body would be read into memory and parsed.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        from starlette.requests import Request

        request = Request(scope)
        message = "Request too large" if errors.wants_english(request) else "请求内容过大"
        response = JSONResponse(
            errors.body(ErrorCode.too_large, message), status_code=HTTP_STATUS[ErrorCode.too_large]
        )
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    # A graceful stop closes the pool's connections: SQLite then checkpoints its WAL into
    # the database file, so a copy of that file alone (a backup) holds every commit. Left
    # to the garbage collector, this did not always happen before the process ended.
    app.state.engine.dispose()


def create_app(settings: Settings | None = None, *, migrate: bool = True) -> FastAPI:
    settings = settings or Settings()
    engine = make_engine(settings.db_url)
    if migrate:
        upgrade(engine)
    sessions = session_factory(engine)
    with transaction(sessions) as s:
        ensure_initialised(s)
        if migrate:
            s.flush()
            rekey_special_tags(s)  # tags made before their ids were keyed (special_tags.py)
    app = FastAPI(
        title="GridWorker sync server",
        version=__version__,
        description="Sync, conflicts and attachments for GridWorker clients (docs/design.md §4).",
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    # Large pull pages compress well (JSON with repeated keys). Level 6, not Starlette's
    # 9: on a 5,000-row page 9 took 6x the time for a body only 6% smaller.
    app.add_middleware(GZipMiddleware, minimum_size=2048, compresslevel=6)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    errors.install(app)
    for routes in (auth, sync, conflicts, attachments, reference, checklists):
        app.include_router(routes.router)

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        """200 when the server can reach its database."""
        with transaction(sessions, write=False) as s:
            s.execute(__import__("sqlalchemy").text("SELECT 1"))
        return {"status": "ok", "version": __version__}

    return app
