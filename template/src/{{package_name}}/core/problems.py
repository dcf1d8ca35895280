"""Problem details (RFC 9457): the one shape of every error the service answers, and its OpenAPI.

Every error is answered as `application/problem+json`, carrying the request id:

    {"type": "about:blank", "title": "Not Found", "status": 404,
     "detail": "Unknown job id", "request_id": "5f0c9d..."}

`create_app` registers the handlers below, so an endpoint raises `HTTPException` as usual and
the caller gets a problem document; unknown paths (404), wrong methods (405), bodies over the
limit (413), validation errors (422, with an `errors` list) and crashes (500) get one too.

What every route can answer is documented once, by `document_problems`: 500 on every operation;
400, 413 and 422 on those that read a body; 422 wherever FastAPI validates parameters. A route
declares only the errors of its own, each with `problem_doc`:

    @router.get(
        "/{thing_id}", responses={status.HTTP_404_NOT_FOUND: problem_doc("No thing with this id")}
    )
    async def get_thing(thing_id: str) -> Thing:
        ...
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Unknown thing id")

A problem with more members subclasses `Problem` and passes `model=` (see `UpstreamProblem`).
"""

import json
import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.utils import is_body_allowed_for_status_code
from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema
from starlette.exceptions import HTTPException

from .context import request_id_var

PROBLEM_MEDIA_TYPE = "application/problem+json"
_REF_PREFIX = "#/components/schemas/"


class Problem(BaseModel):
    """An error answer (RFC 9457), with the request id to find its log lines by."""

    type: str = Field(default="about:blank", description="URI of the problem type")
    title: str = Field(description="The HTTP status phrase, e.g. 'Not Found'")
    status: int = Field(description="The HTTP status code")
    detail: str = Field(description="What went wrong with this request")
    request_id: str = Field(description="The X-Request-ID of the request, as in the logs")


class ValidationIssue(BaseModel):
    loc: list[str | int] = Field(description="Where: e.g. ['body', 'email']")
    msg: str
    type: str


class ValidationProblem(Problem):
    """422: the request does not match the schema; `errors` says where."""

    errors: list[ValidationIssue]


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_MEDIA_TYPE


def problem_content(status: int, detail: str, **extras: object) -> dict[str, object]:
    """The members of a problem document; `extras` are the members beyond RFC 9457's."""
    return {
        "type": "about:blank",
        "title": _phrase(status),
        "status": status,
        "detail": detail,
        "request_id": request_id_var.get(),
        **extras,
    }


def problem_response(
    status: int, detail: str, *, headers: Mapping[str, str] | None = None, **extras: object
) -> ProblemResponse:
    return ProblemResponse(problem_content(status, detail, **extras), status, headers=headers)


def problem_body(status: int, detail: str) -> bytes:
    """A problem document as bytes, for the middleware that answers outside the app."""
    return json.dumps(problem_content(status, detail)).encode()


# The models whose schemas `document_problems` publishes: these, and those routes pass to
# `problem_doc(model=...)`.
_DOCUMENTED_MODELS: dict[str, type[Problem]] = {
    model.__name__: model for model in (Problem, ValidationProblem)
}


def problem_doc(
    description: str,
    *,
    model: type[Problem] = Problem,
    headers: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One entry of a route's `responses=`: a problem answer, its description and headers."""
    _DOCUMENTED_MODELS[model.__name__] = model
    schema = {"$ref": _REF_PREFIX + model.__name__}
    media_type = {"schema": schema}
    doc: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: media_type},
    }
    if headers:
        doc["headers"] = headers
    return doc


def retry_after_header(description: str) -> dict[str, dict[str, Any]]:
    """The `Retry-After` header of a 503 or 429 answer, for `problem_doc(headers=...)`."""
    seconds = {"type": "integer", "minimum": 0}
    header = {"description": description, "required": True, "schema": seconds}
    return {"Retry-After": header}


def location_doc(description: str, *, operation_id: str, parameter: str) -> dict[str, Any]:
    """A `responses=` entry for an answer whose `Location` names what it created, with the link
    that tells clients (and schemathesis's stateful phase) that the body's `id` is the
    `parameter` of operation `operation_id`."""
    return {
        "description": description,
        "headers": {
            "Location": {
                "description": "Where the new resource is",
                "required": True,
                "schema": {"type": "string", "format": "uri-reference"},
            },
        },
        "links": {
            operation_id: {
                "operationId": operation_id,
                "parameters": {parameter: "$response.body#/id"},
            },
        },
    }


async def http_error_problem(request: Request, exc: HTTPException) -> Response:
    """Registered for `HTTPException` in `create_app`: endpoints' errors, 404, 405, 413."""
    headers = exc.headers
    if exc.status_code == 405:
        # Starlette's `Allow` names the methods of the first route whose path matched; a path that
        # several routes serve (GET and POST /items) must list them all, as its OpenAPI does.
        given = {method.strip() for method in (headers or {}).get("Allow", "").split(",")}
        allowed = (given | _documented_methods(request)) - {""}
        headers = {**(headers or {}), "Allow": ", ".join(sorted(allowed))}
    if not is_body_allowed_for_status_code(exc.status_code):
        return Response(status_code=exc.status_code, headers=headers)
    return problem_response(exc.status_code, str(exc.detail), headers=headers)


def _documented_methods(request: Request) -> set[str]:
    """The methods the OpenAPI document lists for the path `request` asked for."""
    methods: set[str] = set()
    path = request.scope["path"].removeprefix(request.scope.get("root_path", ""))
    for template, operations in request.app.openapi().get("paths", {}).items():
        pattern = re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path):
            methods.update(method.upper() for method in operations)
    return methods


async def validation_problem(_: Request, exc: RequestValidationError) -> ProblemResponse:
    """Registered for `RequestValidationError` in `create_app`: 422 listing every error.

    The errors leave out the rejected input: it may be large, or hold what should not be echoed.
    """
    errors = [
        {"loc": list(error["loc"]), "msg": error["msg"], "type": error["type"]}
        for error in exc.errors()
    ]
    return problem_response(422, "The request does not match the API schema", errors=errors)


def document_problems(app: FastAPI) -> None:
    """Adds the errors every route can answer, and the problem schemas, to `app`'s OpenAPI."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()  # cached by FastAPI; the additions below are idempotent
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                _add_shared_problems(operation)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        # FastAPI's own 422 schemas, which no operation refers to any more.
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        schemas.update(_problem_schemas())
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented extension point


def _add_shared_problems(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    invalid = problem_doc("The request does not match the schema", model=ValidationProblem)
    # FastAPI documents its own 422 (application/json); `validation_problem` answers this one.
    if "422" in responses and PROBLEM_MEDIA_TYPE not in responses["422"].get("content", {}):
        responses["422"] = invalid
    if "requestBody" in operation:
        responses.setdefault("400", problem_doc("The body could not be read, e.g. not UTF-8"))
        responses.setdefault("413", problem_doc("The body is larger than MAX_REQUEST_BODY_BYTES"))
        responses.setdefault("422", invalid)
    responses.setdefault("500", problem_doc("The service failed; the logs have the request id"))


def _problem_schemas() -> dict[str, Any]:
    fields = [(model, "serialization") for model in _DOCUMENTED_MODELS.values()]
    _, top = models_json_schema(fields, ref_template=_REF_PREFIX + "{model}")  # type: ignore[arg-type]
    schemas: dict[str, Any] = top["$defs"]
    return schemas


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
