"""Attachment transfer (docs/design.md §4): resumable upload by SHA-256, download with a scope
check.

    PUT   /api/v1/attachments/{sha256}   {"size": N}  declare; 201 new, 200 known
    HEAD  /api/v1/attachments/{sha256}   Upload-Offset / Upload-Length headers
    PATCH /api/v1/attachments/{sha256}   Upload-Offset: N, raw chunk body
    GET   /api/v1/attachments/{sha256}   the file; Range: bytes=a-b gives 206

Each user's upload is their own, and a file is "known" (complete) only to those who may
have it: knowing a hash grants nothing. The file work is in gridworker.server.attachments.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from gridworker.protocol import ErrorCode, UploadStatus
from gridworker.server import attachments, audit
from gridworker.server.api.deps import CallerDep, SessionsDep, SettingsDep
from gridworker.server.core.db import transaction
from gridworker.server.errors import ApiError, error_responses

router = APIRouter(prefix="/api/v1/attachments", tags=["attachments"])

# Documented in the OpenAPI (so generated requests know the shape); checked by
# attachments.check_sha256, which answers 400 bad_request like the rest of the API.
Sha256 = Annotated[
    str,
    Path(
        description="SHA-256 of the file's bytes, 64 hexadecimal digits",
        json_schema_extra={"pattern": "^[0-9a-fA-F]{64}$"},
    ),
]

OFFSET = "Upload-Offset"
LENGTH = "Upload-Length"


class UploadDeclaration(BaseModel):
    """Announce a file before sending its bytes."""

    model_config = ConfigDict(extra="ignore")
    size: int = Field(ge=0, description="bytes of the whole file")


def _upload_headers(status: UploadStatus) -> dict[str, str]:
    return {OFFSET: str(status.offset), LENGTH: str(status.size), "Cache-Control": "no-store"}


@router.put(
    "/{sha256}",
    response_model=UploadStatus,
    responses={
        201: {"model": UploadStatus, "description": "A new upload: send its bytes"},
        **error_responses(400, 401, 403, 413, 422, 426),
    },
)
def declare(
    sha256: Sha256,
    body: UploadDeclaration,
    response: Response,
    caller: CallerDep,
    sessions: SessionsDep,
    settings: SettingsDep,
) -> UploadStatus:
    """Declare an upload; a file the server already holds comes back complete (nothing to send)."""
    sha = attachments.check_sha256(sha256)
    with transaction(sessions) as s:
        declared = attachments.declare_upload(
            s, settings, sha=sha, size=body.size, scope=caller.scope
        )
        if declared.created:
            audit.record(
                s,
                "attachment_upload_start",
                username=caller.username,
                device_id=caller.device_id,
                entity="attachment",
                detail={"sha256": sha, "size": body.size},
            )
    response.status_code = 201 if declared.created else 200
    response.headers.update(_upload_headers(declared.status))
    return declared.status


@router.head(
    "/{sha256}",
    response_class=Response,
    responses={
        200: {"description": "Upload-Offset and Upload-Length headers, no body", "content": {}},
        **error_responses(400, 401, 403, 404),
    },
)
def offset(
    sha256: Sha256, caller: CallerDep, sessions: SessionsDep, settings: SettingsDep
) -> Response:
    """How many bytes of the caller's upload the server holds (Upload-Offset) of the declared
    size (Upload-Length); the whole file if the caller may have it; 404 otherwise."""
    sha = attachments.check_sha256(sha256)
    with transaction(sessions, write=False) as s:
        status = attachments.upload_status(s, settings, sha, caller.scope)
    if status is None:
        raise ApiError(ErrorCode.not_found, "没有此附件的上传记录", "No upload of this file")
    return Response(status_code=200, headers=_upload_headers(status))


@router.patch(
    "/{sha256}",
    response_model=UploadStatus,
    responses=error_responses(400, 401, 403, 404, 409, 413, 422),
    openapi_extra={
        "requestBody": {
            # An empty chunk is accepted and changes nothing (the reply gives the offset).
            "required": False,
            "content": {"application/offset+octet-stream": {"schema": {"format": "binary"}}},
        }
    },
)
async def append(
    sha256: Sha256,
    request: Request,
    caller: CallerDep,
    sessions: SessionsDep,
    settings: SettingsDep,
    upload_offset: Annotated[int | None, Header(alias=OFFSET)] = None,
) -> Response:
    """Append one chunk at Upload-Offset; the last one completes the file after its SHA-256
    checks out. 409 with the server's Upload-Offset when the client is out of step."""
    sha = attachments.check_sha256(sha256)
    if upload_offset is None or upload_offset < 0:
        raise ApiError(
            ErrorCode.bad_request,
            "缺少 Upload-Offset 请求头",
            "The Upload-Offset header is missing",
        )
    declared_length = request.headers.get("content-length")
    too_large = ApiError(
        ErrorCode.too_large,
        "单次上传的数据块过大",
        f"A chunk may hold at most {attachments.MAX_CHUNK_BYTES} bytes",
    )
    length = int(declared_length) if declared_length and declared_length.isdigit() else None
    if length is not None and length > attachments.MAX_CHUNK_BYTES:
        raise too_large  # before reading any of it
    chunks: list[bytes] = []
    received = 0
    try:
        async for piece in request.stream():
            received += len(piece)
            if received > attachments.MAX_CHUNK_BYTES:
                raise too_large
            chunks.append(piece)
    except ClientDisconnect:
        # The connection dropped mid-chunk: keep nothing of it; HEAD tells where to resume.
        return Response(status_code=400)
    data = b"".join(chunks)
    if length is not None and length != len(data):
        raise ApiError(
            ErrorCode.bad_request,
            "数据块不完整，请从 Upload-Offset 处重传",
            "The chunk is truncated: resend it from Upload-Offset",
        )

    def work() -> attachments.Appended:
        with transaction(sessions) as s:
            appended = attachments.append_chunk(
                s, settings, sha=sha, offset=upload_offset, data=data, scope=caller.scope
            )
            if appended.completed:
                audit.record(
                    s,
                    "attachment_upload",
                    username=caller.username,
                    device_id=caller.device_id,
                    entity="attachment",
                    detail={"sha256": sha, "size": appended.status.size},
                )
            return appended

    appended = await run_in_threadpool(work)
    if appended.discarded:
        raise attachments.hash_mismatch()
    status = appended.status
    return Response(
        content=status.model_dump_json(),
        media_type="application/json",
        headers=_upload_headers(status),
    )


@router.get(
    "/{sha256}",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "The file"},
        206: {"content": {"application/octet-stream": {}}, "description": "One byte range"},
        **error_responses(400, 401, 403, 404, 416),
    },
)
def download(
    sha256: Sha256,
    request: Request,
    caller: CallerDep,
    sessions: SessionsDep,
    settings: SettingsDep,
) -> StreamingResponse:
    """The file, whole or one Range; 404 unless an attachment record with this hash is in the
    caller's scope (or the caller uploaded it)."""
    sha = attachments.check_sha256(sha256)
    with transaction(sessions, write=False) as s:
        found = attachments.find_downloadable(s, settings, sha=sha, scope=caller.scope)
    if found is None:
        raise ApiError(ErrorCode.not_found, "找不到此附件", "No such attachment")
    etag = f'"{sha}"'
    wanted = attachments.parse_range(
        request.headers.get("range"),
        found.size,
        if_range=request.headers.get("if-range"),
        etag=etag,
    )
    start, end = wanted if wanted is not None else (0, found.size - 1)
    with transaction(sessions) as s:
        audit.record(
            s,
            "attachment_download",
            username=caller.username,
            device_id=caller.device_id,
            entity="attachment",
            record_id=found.record_id,
            detail={"sha256": sha, "start": start, "end": end},
        )
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "Content-Length": str(max(end - start + 1, 0)),
        "Cache-Control": "private, max-age=86400, immutable",
    }
    if wanted is not None:
        headers["Content-Range"] = f"bytes {start}-{end}/{found.size}"
    body = attachments.read_range(settings, found, start, end) if found.size else iter(())
    return StreamingResponse(
        body,
        status_code=206 if wanted is not None else 200,
        media_type=found.mime,
        headers=headers,
    )
