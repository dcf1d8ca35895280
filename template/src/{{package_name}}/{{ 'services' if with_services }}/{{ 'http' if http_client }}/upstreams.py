"""Typed clients of upstream services, and the errors that name the upstream that failed.

`UpstreamClient` is the pattern to copy for each service this one calls:

    class Stock(BaseModel):
        sku: str
        available: int

    class InventoryClient(UpstreamClient):
        async def stock(self, sku: str) -> Stock:
            return await self.get(f"items/{sku}/stock", Stock)

    inventory = InventoryClient("inventory", settings.inventory_url, http_client)

Every failure becomes an `UpstreamError` naming the upstream, which the app answers with a problem
document (502, or 504 for a timeout) rather than a bare 500.
"""

from typing import ClassVar, TypeVar

import httpx
from pydantic import BaseModel, HttpUrl, ValidationError

ModelT = TypeVar("ModelT", bound=BaseModel)


class UpstreamError(Exception):
    """A call to the upstream named `upstream` failed; `status_code` is what we answer in turn."""

    status_code: ClassVar[int] = 502

    def __init__(self, upstream: str, detail: str) -> None:
        super().__init__(f"upstream {upstream} {detail}")
        self.upstream = upstream
        self.detail = detail


class UpstreamTimeout(UpstreamError):
    """No answer within HTTP_TIMEOUT_SECONDS, retries included."""

    status_code = 504


class UpstreamUnavailable(UpstreamError):
    """No connection, or a server error that outlasted the retries."""


class UpstreamInvalidResponse(UpstreamError):
    """An answer we cannot use: a 4xx, or a body that does not fit the response model."""


class UpstreamClient:
    """One upstream service: its name (for errors and logs), its base URL and the shared client."""

    def __init__(self, name: str, base_url: HttpUrl | str, http: httpx.AsyncClient) -> None:
        self.name = name
        self._base_url = httpx.URL(str(base_url))
        self._http = http

    async def get(self, path: str, model: type[ModelT]) -> ModelT:
        """GET `path`, relative to the base URL, and parse the JSON body as `model`.

        Query parameters of the base URL (an API key, say) are sent with every path.
        """
        url = self._base_url.join(path).copy_merge_params(self._base_url.params)
        try:
            response = await self._http.get(url)
        except httpx.TimeoutException as exc:
            raise UpstreamTimeout(self.name, "did not answer in time") from exc
        except httpx.RequestError as exc:
            failure = type(exc).__name__
            raise UpstreamUnavailable(self.name, f"failed: {failure}") from exc
        if response.is_server_error:
            raise UpstreamUnavailable(self.name, f"answered {response.status_code}")
        if not response.is_success:
            raise UpstreamInvalidResponse(self.name, f"answered {response.status_code}")
        try:
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            invalid = f"answered an invalid {model.__name__}"
            raise UpstreamInvalidResponse(self.name, invalid) from exc
