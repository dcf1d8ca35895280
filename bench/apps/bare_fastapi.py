"""The baseline: a bare FastAPI app with the same /health, nothing else."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}
