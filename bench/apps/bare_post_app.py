"""The floor for a burst of POSTs: FastAPI validates the body, appends the line, answers 202.

No background work, no logging, no middleware: the least any FastAPI endpoint that accepts a
notification can do. Served by bench/background_burst.py beside the generated service; its POST
latencies show what one uvicorn worker itself needs for a burst.
"""

import json
import os
import uuid
from pathlib import Path

from fastapi import FastAPI
from pydantic import BaseModel, EmailStr

OUTBOX = Path(os.environ.get("NOTIFICATIONS_OUTBOX", "notifications.jsonl"))

app = FastAPI()


class Notification(BaseModel):
    email: EmailStr
    message: str


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/notifications", status_code=202)
async def notify(notification: Notification) -> dict[str, str]:
    notification_id = uuid.uuid4().hex
    with OUTBOX.open("a") as outbox:
        outbox.write(json.dumps({"id": notification_id, **notification.model_dump()}) + "\n")
    return {"id": notification_id, "status": "accepted"}
