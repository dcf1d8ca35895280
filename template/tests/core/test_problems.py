"""Every error the service produces itself is a problem document, and documented as one."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI, HTTPException, Query

from tests.conftest import LogReader

PROBLEM_MEMBERS = {"type", "title", "status", "detail", "request_id"}


@pytest.fixture
def app(app: FastAPI) -> FastAPI:
    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("kaput")

    @app.get("/teapot")
    async def teapot() -> None:
        raise HTTPException(418, "Short and stout", headers={"X-Brew": "earl-grey"})

    @app.get("/page")
    async def page(number: int = Query(ge=1)) -> int:
        return number

    return app


def problem_of(response: httpx.Response) -> dict[str, Any]:
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["status"] == response.status_code
    assert problem["request_id"] == response.headers["X-Request-ID"]
    assert problem.keys() >= PROBLEM_MEMBERS
    return problem


def schema_ref(response: dict[str, Any]) -> str:
    [(media_type, content)] = response["content"].items()
    assert media_type == "application/problem+json"
    ref: str = content["schema"]["$ref"]
    return ref


async def test_an_unknown_path_is_a_404_problem(client: httpx.AsyncClient) -> None:
    problem = problem_of(await client.get("/no-such-path"))

    assert (problem["status"], problem["title"]) == (404, "Not Found")


async def test_a_wrong_method_is_a_405_problem_that_says_what_is_allowed(
    client: httpx.AsyncClient,
) -> None:
    response = await client.delete("/health")

    assert problem_of(response)["title"] == "Method Not Allowed"
    assert "GET" in response.headers["Allow"]


async def test_an_http_exception_keeps_its_status_detail_and_headers(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/teapot", headers={"X-Request-ID": "req-418"})

    assert problem_of(response) == {
        "type": "about:blank",
        "title": "I'm a Teapot",
        "status": 418,
        "detail": "Short and stout",
        "request_id": "req-418",
    }
    assert response.headers["X-Brew"] == "earl-grey"


async def test_a_validation_error_is_a_422_problem_listing_each_error(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/page", params={"number": "0"})

    problem = problem_of(response)
    assert problem["status"] == 422
    [error] = problem["errors"]
    assert error["loc"] == ["query", "number"]
    assert error["type"] == "greater_than_equal"
    assert "input" not in error  # never echoes what the caller sent


async def test_a_crash_is_a_500_problem_without_the_traceback_which_is_logged(
    client: httpx.AsyncClient, read_logs: LogReader
) -> None:
    response = await client.get("/boom", headers={"X-Request-ID": "req-500"})

    problem = problem_of(response)
    assert (problem["status"], problem["request_id"]) == (500, "req-500")
    assert "kaput" not in response.text
    assert "Traceback" not in response.text
    [error] = [line for line in read_logs() if line["level"] == "ERROR"]
    assert error["request_id"] == "req-500"
    assert "RuntimeError: kaput" in error["exc_info"]


async def test_the_openapi_document_describes_the_shared_problems(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/openapi.json")).json()

    page = document["paths"]["/page"]["get"]["responses"]
    assert schema_ref(page["422"]) == "#/components/schemas/ValidationProblem"
    assert schema_ref(page["500"]) == "#/components/schemas/Problem"
    schemas = document["components"]["schemas"]
    assert set(schemas["Problem"]["required"]) == PROBLEM_MEMBERS - {"type"}
    assert "errors" in schemas["ValidationProblem"]["required"]
    assert "HTTPValidationError" not in schemas
