"""Outbound HTTP: one shared `httpx.AsyncClient` per process, and typed upstream clients."""
