"""The app servers import: uvicorn, and `fastapi dev` / `fastapi run` through the `entrypoint` in
pyproject.toml's `[tool.fastapi]`.

Apart from main.py so that importing `create_app` (tests, workers) builds no app and reads no
settings: only a server pays for that, once, at start-up.
"""

from .main import create_app

app = create_app()
