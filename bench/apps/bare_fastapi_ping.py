"""Baseline of bench/observability_cost.py: bare FastAPI with /health and /ping, nothing else."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/ping")
async def ping() -> dict[str, str]:
    return {"status": "ok"}
