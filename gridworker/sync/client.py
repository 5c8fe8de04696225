"""HTTP transport to the sync server: one requests Session, timeouts, safe retries.

- TLS verification is always on (a custom CA bundle may be given); plain HTTP
  is allowed only to loopback (the embedded demo server and tests).
- Retries with exponential backoff and jitter (urllib3's Retry) on connection
  errors and 502/503/504, for requests that are safe to repeat: reads, and the
  push, which the server makes idempotent by mutation id. Login is not retried.
- Every error response becomes a typed SyncError carrying the server's code and
  its message (the JSON body of docs/design.md §4); anything else (HTML from a proxy,
  truncated JSON, a reply that does not match the protocol) is a ProtocolError.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from pydantic import BaseModel, ValidationError
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from gridworker import __version__
from gridworker.domain.errors import CodedError, DetailedError
from gridworker.domain.version import SCHEMA_VERSION
from gridworker.protocol import (
    HEADER_DEVICE,
    HEADER_PROTOCOL,
    HEADER_SCHEMA,
    PROTOCOL_VERSION,
    ErrorBody,
    ErrorCode,
    FetchRequest,
    FetchResponse,
    LoginRequest,
    LoginResponse,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
    UploadStatus,
)

M = TypeVar("M", bound=BaseModel)

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 120.0


class SyncError(CodedError):
    """The server answered with an error body, or could not be reached.

    `code` is the server's error code (what the engine acts on); `message(lang)` is for
    people: the server's own message (already in the language the request asked for),
    else the catalogue's text for `key` (domain/messages.py); `args[0]` stays the English
    text for logs."""

    code: ErrorCode

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        status: int | None = None,
        body: ErrorBody | None = None,
        retry_after: float | None = None,
        key: str | None = None,
        **params: Any,
    ) -> None:
        told = body.message if body is not None else None
        params.setdefault("status", status)
        english = told or (None if key else message)
        super().__init__(key or code.value, zh=told, en=english, **params)
        self.args = (message,)
        self.code = code
        self.status = status
        self.body = body
        self.retry_after = retry_after


class Offline(SyncError):
    """No answer: connection refused, DNS failure, timeout, TLS failure."""

    def __init__(self, message: str, *, key: str = "server_unreachable", url: str = "") -> None:
        super().__init__(ErrorCode.server_error, message, key=key, url=url)


class ProtocolError(SyncError):
    """The server's reply is not what the protocol says (corrupt, truncated, not JSON)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(ErrorCode.server_error, message, status=status, key="server_reply_invalid")


class InsecureServer(DetailedError, ValueError):
    """A plain-HTTP URL to a host that is not this machine, or no server address at all."""

    default_code = "plain_http"


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InsecureServer(
            f"not a server address: {url!r} (use https://host[:port])",
            code="not_a_server_url",
            url=url,
        )
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise InsecureServer(
            f"refusing plain HTTP to {parts.hostname}: use https:// (plain HTTP is only for "
            "this machine)",
            host=parts.hostname,
        )
    return url.rstrip("/")


def retry_policy(total: int = 4) -> Retry:
    # POST is included because push is idempotent and pull is read-only; login is sent
    # through a call that disables retries.
    return Retry(
        total=total,
        connect=total,
        read=total,
        status=total,
        backoff_factor=0.5,
        backoff_jitter=0.5,
        backoff_max=30,
        status_forcelist=(502, 503, 504),
        allowed_methods=frozenset({"GET", "HEAD", "POST", "PUT", "PATCH"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )


def json_body(body: BaseModel) -> bytes:
    """The request body: pydantic's own JSON, UTF-8 and compact (issue 23: a quarter of
    the CPU of `model_dump` + `json.dumps`, and no 6-byte `\\u` escape per Chinese
    character). Text it cannot encode (a lone surrogate) goes as before, escaped by
    json.dumps, so the server refuses that one change rather than the laptop the push."""
    try:
        return body.model_dump_json().encode()
    except ValueError:  # PydanticSerializationError
        return json.dumps(body.model_dump(mode="json"), allow_nan=False).encode()


@dataclass
class Transport:
    """What the client sends requests through; tests swap in a fault-injecting adapter."""

    session: requests.Session
    base_url: str
    verify: bool | str = True


def make_transport(
    base_url: str,
    *,
    ca_bundle: str | None = None,
    adapter: HTTPAdapter | None = None,
    retries: int = 4,
) -> Transport:
    url = check_url(base_url)
    session = requests.Session()
    mounted = adapter or HTTPAdapter(max_retries=retry_policy(retries))
    session.mount("http://", mounted)
    session.mount("https://", mounted)
    session.headers.update(
        {
            "User-Agent": f"GridWorker/{__version__}",
            HEADER_PROTOCOL: str(PROTOCOL_VERSION),
            HEADER_SCHEMA: str(SCHEMA_VERSION),
            "Accept-Language": "zh-CN",
        }
    )
    return Transport(session, url, ca_bundle or True)


class SyncClient:
    """Typed calls to the sync API. `token` is set after login."""

    def __init__(
        self, transport: Transport, *, device_id: str, token: str | None = None, lang: str = "zh_CN"
    ) -> None:
        self.transport = transport
        self.device_id = device_id
        self.token = token
        self.transport.session.headers["Accept-Language"] = (
            "en" if lang.startswith("en") else "zh-CN"
        )
        self.transport.session.headers[HEADER_DEVICE] = device_id

    @property
    def base_url(self) -> str:
        return self.transport.base_url

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = dict(extra or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        retry: bool = True,
        stream: bool = False,
    ) -> requests.Response:
        url = self.transport.base_url + path
        kwargs: dict[str, Any] = {
            "json": json,
            "data": data,
            "headers": self._headers(headers),
            "timeout": (CONNECT_TIMEOUT, READ_TIMEOUT),
            "verify": self.transport.verify,
            "stream": stream,
        }
        try:
            if retry:
                response = self.transport.session.request(method, url, **kwargs)
            else:
                with requests.Session() as once:
                    once.headers.update(self.transport.session.headers)
                    response = once.request(method, url, **kwargs)
        except requests.exceptions.SSLError as exc:
            raise Offline(
                f"TLS check of {self.base_url} failed: {exc.__class__.__name__}",
                key="tls_failed",
                url=self.base_url,
            ) from exc
        except (
            TimeoutError,
            requests.exceptions.ConnectionError,
            requests.exceptions.Timeout,
        ) as exc:
            raise Offline(
                f"cannot reach {self.base_url}: {exc.__class__.__name__}", url=self.base_url
            ) from exc
        except requests.exceptions.RequestException as exc:
            raise Offline(
                f"request to {self.base_url} failed: {exc}", key="request_failed", url=self.base_url
            ) from exc
        if response.status_code >= 400:
            raise error_from(response)
        return response

    def call(
        self,
        method: str,
        path: str,
        model: type[M],
        body: BaseModel | None = None,
        *,
        retry: bool = True,
    ) -> M:
        if body is None:
            response = self.request(method, path, retry=retry)
        else:
            response = self.request(
                method,
                path,
                data=json_body(body),
                headers={"Content-Type": "application/json"},
                retry=retry,
            )
        return parse(response, model)

    # --- endpoints -------------------------------------------------------------

    def login(self, username: str, password: str, *, device_name: str = "") -> LoginResponse:
        reply = self.call(
            "POST",
            "/api/v1/auth/login",
            LoginResponse,
            LoginRequest(
                username=username,
                password=password,
                device_id=self.device_id,
                device_name=device_name,
                client_version=__version__,
            ),
            retry=False,
        )
        self.token = reply.token
        return reply

    def push(self, request: PushRequest) -> PushResponse:
        return self.call("POST", "/api/v1/sync/push", PushResponse, request)

    def push_body(self, body: bytes) -> PushResponse:
        """`push` with the request body already built (sync/push_body.py)."""
        response = self.request(
            "POST",
            "/api/v1/sync/push",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        return parse(response, PushResponse)

    def pull(self, request: PullRequest) -> PullResponse:
        return self.call("POST", "/api/v1/sync/pull", PullResponse, request)

    def fetch(self, request: FetchRequest) -> FetchResponse:
        return self.call("POST", "/api/v1/sync/records", FetchResponse, request)

    def health(self) -> bool:
        try:
            self.request("GET", "/health", retry=False)
        except SyncError:
            return False
        return True

    # --- attachments -------------------------------------------------------------

    def upload_status(self, sha256: str) -> int | None:
        """Bytes the server already holds for this file, or None if it has no upload."""
        try:
            response = self.request("HEAD", f"/api/v1/attachments/{sha256}")
        except SyncError as exc:
            if exc.status == 404:
                return None
            raise
        return int(response.headers.get("Upload-Offset", "0"))

    def start_upload(self, sha256: str, size: int) -> UploadStatus:
        response = self.request("PUT", f"/api/v1/attachments/{sha256}", json={"size": size})
        return parse(response, UploadStatus)

    def upload_chunk(self, sha256: str, offset: int, chunk: bytes) -> UploadStatus:
        response = self.request(
            "PATCH",
            f"/api/v1/attachments/{sha256}",
            data=chunk,
            headers={
                "Upload-Offset": str(offset),
                "Content-Type": "application/offset+octet-stream",
            },
        )
        return parse(response, UploadStatus)

    def download(self, sha256: str, *, start: int = 0) -> Iterator[bytes]:
        headers = {"Range": f"bytes={start}-"} if start else None
        response = self.request(
            "GET", f"/api/v1/attachments/{sha256}", headers=headers, stream=True
        )
        yield from response.iter_content(chunk_size=256 * 1024)


def parse(response: requests.Response, model: type[M]) -> M:
    try:
        return model.model_validate_json(response.content)
    except ValidationError as exc:
        raise ProtocolError(
            f"the server's reply to {response.request.method} {urlsplit(response.url).path} "
            f"is not valid ({exc.error_count()} problems)",
            status=response.status_code,
        ) from exc


def error_from(response: requests.Response) -> SyncError:
    retry_after = _retry_after(response)
    try:
        body = ErrorBody.model_validate_json(response.content)
    except ValidationError:
        if response.status_code >= 500:
            return SyncError(
                ErrorCode.server_error,
                f"server error {response.status_code}",
                status=response.status_code,
                retry_after=retry_after,
                key="server_status",
            )
        return ProtocolError(
            f"unexpected reply {response.status_code} from the server (not a GridWorker error)",
            status=response.status_code,
        )
    return SyncError(
        body.code,
        body.message,
        status=response.status_code,
        body=body,
        retry_after=body.retry_after or retry_after,
    )


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
