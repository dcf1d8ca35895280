"""The generated service plus `GET /ping`, a route every enabled tool observes.

`/health` is a probe: tracing and metrics leave it out, so its throughput shows what a probe pays.
`/ping` answers the same body from an ordinary route, so its throughput shows what a request pays.
"""

from fastapi import FastAPI
from orders_service.main import create_app as create_service


def create_app() -> FastAPI:
    app = create_service()

    @app.get("/ping")
    async def ping() -> dict[str, str]:
        return {"status": "ok"}

    return app
