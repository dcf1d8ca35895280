"""The naive pattern, for comparison: FastAPI's `BackgroundTasks` with a sync task that sleeps.

Each task holds one of the shared thread pool's 40 threads for `NOTIFICATION_DELAY_SECONDS`, then
appends a line to `NOTIFICATIONS_OUTBOX` (the generated service's settings). Served by
bench/background_burst.py; not part of the template.
"""

import json
import os
import time
import uuid
from pathlib import Path

from fastapi import BackgroundTasks, FastAPI

OUTBOX = Path(os.environ["NOTIFICATIONS_OUTBOX"])
DELAY = float(os.environ.get("NOTIFICATION_DELAY_SECONDS", "2"))

app = FastAPI()


def write_notification(notification_id: str, email: str, message: str) -> None:
    time.sleep(DELAY)
    with OUTBOX.open("a") as outbox:
        outbox.write(json.dumps({"id": notification_id, "email": email, "message": message}) + "\n")


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/notifications", status_code=202)
async def notify(payload: dict[str, str], background_tasks: BackgroundTasks) -> dict[str, str]:
    notification_id = uuid.uuid4().hex
    email, message = payload["email"], payload["message"]
    background_tasks.add_task(write_notification, notification_id, email, message)
    return {"id": notification_id, "status": "accepted"}
