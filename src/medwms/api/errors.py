"""Errors as problem+json: every DomainError once, with its stable code."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from medwms.api.validation import worded
from medwms.core.errors import DomainError

log = logging.getLogger("medwms.api")
PROBLEM = "application/problem+json"


def problem(status: int, code: str, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": f"urn:medwms:error:{code.lower()}", "title": title, "status": status,
            "detail": detail, "code": code, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


HTTP_CODES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


def http_problem(error: HTTPException) -> JSONResponse:
    """A routing refusal (no such URL, wrong method …) as problem+json."""
    code = HTTP_CODES.get(error.status_code, f"HTTP_{error.status_code}")
    response = problem(error.status_code, code, code, str(error.detail))
    if error.headers:
        response.headers.update(error.headers)
    return response


def domain_problem(request: Request, error: DomainError) -> JSONResponse:
    """A DomainError as problem+json: its code, its message in the request's language and
    both languages, its fields."""
    body = error.to_dict(_language(request))
    body.pop("code")
    response = problem(error.status, error.code, error.code, body.pop("message"), **body)
    response.headers.update(_headers_of(error))
    return response


def _language(request: Request) -> str:
    header = request.headers.get("accept-language", "").lower()
    if header.startswith("en"):
        return "en"
    if header.startswith("zh"):
        return "zh-CN"
    return str(request.app.state.settings.language)


def _headers_of(error: DomainError) -> dict[str, str]:
    """401 names the scheme; 429 says when to try again (seconds, the `retry_after` field)."""
    if error.status == 401:
        return {"WWW-Authenticate": "Bearer"}
    retry_after = error.fields.get("retry_after")
    if error.status == 429 and isinstance(retry_after, int):
        return {"Retry-After": str(retry_after)}
    return {}


def install(app: FastAPI) -> None:
    """Register the handlers that turn exceptions into problem+json."""

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> JSONResponse:
        return domain_problem(request, error)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        return http_problem(error)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        words = [worded(e) for e in error.errors()]
        problems = [{"column": ".".join(str(p) for p in e.get("loc", ())),
                     "message": e.get("msg", ""), "message_en": en, "message_zh": zh,
                     "row": None, "value": None} for e, (en, zh) in zip(error.errors(), words,
                                                                        strict=True)]
        detail = "; ".join(f"{p['column']}: {p['message']}" for p in problems)
        return problem(422, "VALIDATION_ERROR", "VALIDATION_ERROR", detail, problems=problems,
                       message_en="; ".join(en for en, _ in words),
                       message_zh="；".join(zh for _, zh in words))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        correlation = uuid.uuid4().hex
        log.exception("unexpected error %s on %s %s", correlation, request.method,
                      request.url.path)
        return problem(500, "INTERNAL_ERROR", "INTERNAL_ERROR",
                       f"Unexpected error; quote {correlation} to support.",
                       correlation_id=correlation)
