"""fastapi-scaffold: generate FastAPI services from one Copier template."""
