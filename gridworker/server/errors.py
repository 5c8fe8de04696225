"""API errors: one JSON body `{"code", "message"}` for every error (docs/design.md §4).

The message is in the request's language (zh_CN unless Accept-Language asks for
English). Handlers turn validation failures and unexpected exceptions into the
same body, so no error ever reaches a client as an HTML page or a bare 500.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from gridworker.protocol import HTTP_STATUS, ErrorCode

log = logging.getLogger("gridworker.server")


class ApiError(Exception):
    def __init__(
        self,
        code: ErrorCode,
        zh: str,
        en: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(en or zh)
        self.code = code
        self.zh = zh
        self.en = en or zh
        self.headers = headers
        self.extra = extra

    @property
    def status(self) -> int:
        return HTTP_STATUS[self.code]


def wants_english(request: Request) -> bool:
    lang = request.headers.get("accept-language", "")
    first = lang.split(",")[0].strip().lower()
    return first.startswith("en")


def body(code: ErrorCode, message: str, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"code": code.value, "message": message}
    out.update({k: v for k, v in extra.items() if v is not None})
    return out


STATUS_CODES: dict[int, tuple[ErrorCode, str, str]] = {
    400: (ErrorCode.bad_request, "请求格式不正确", "Bad request"),
    401: (ErrorCode.auth_required, "请先登录", "Sign in first"),
    403: (ErrorCode.forbidden, "无权执行此操作", "Not allowed"),
    404: (ErrorCode.not_found, "找不到请求的资源", "Not found"),
    405: (ErrorCode.bad_request, "不支持此请求方法", "Method not allowed"),
    413: (ErrorCode.too_large, "请求内容过大", "Request too large"),
}


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        message = exc.en if wants_english(request) else exc.zh
        return JSONResponse(
            body(exc.code, message, **exc.extra), status_code=exc.status, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body')}: {e.get('msg')}"
            for e in exc.errors()[:5]
        )
        zh = f"请求数据不符合要求：{problems}"
        en = f"Invalid request: {problems}"
        return JSONResponse(
            body(ErrorCode.validation, en if wants_english(request) else zh), status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, zh, en = STATUS_CODES.get(
            exc.status_code, (ErrorCode.bad_request, "请求无法处理", "Request cannot be handled")
        )
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            # Each method is its own route, so Starlette's Allow names only the first match.
            headers["Allow"] = ", ".join(allowed_methods(app, request.url.path))
        return JSONResponse(
            body(code, en if wants_english(request) else zh),
            status_code=exc.status_code,
            headers=headers or None,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # The type, the place and the frames (file, line, code), never the exception's
        # text: that may quote a value a request carried.
        log.error(
            "unexpected %s on %s %s\n%s",
            type(exc).__name__,
            request.method,
            request.url.path,
            "".join(traceback.format_tb(exc.__traceback__)).rstrip(),
        )
        zh, en = "服务器内部错误，请稍后重试", "Server error, please retry later"
        return JSONResponse(
            body(ErrorCode.server_error, en if wants_english(request) else zh), status_code=500
        )


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method some route serves at this path (for the Allow header of a 405)."""
    methods: set[str] = set()
    for route in app.router.routes:
        regex = getattr(route, "path_regex", None)
        if regex is not None and regex.match(path):
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for routes: each listed status returns the ErrorBody."""
    from gridworker.protocol import ErrorBody

    return {status: {"model": ErrorBody} for status in statuses}
