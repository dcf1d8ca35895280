"""The service's database: the declarative base, and the engine and sessions the lifespan opens.

Tables change only through Alembic migrations (`migrations/`), never `create_all` at start-up.
"""
