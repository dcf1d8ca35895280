"""The Celery app: RabbitMQ (`BROKER_URL`) carries jobs, Redis (`REDIS_URL`) keeps their results.

Delivery is at least once. A worker acknowledges a job only once it has finished (`task_acks_late`)
and takes one job at a time per process (`worker_prefetch_multiplier=1`). RabbitMQ hands every job
its consumer had not acknowledged to another worker as soon as that consumer's connection drops: at
once for a killed process, after two missed heartbeats for a machine that vanished. Jobs must
therefore be safe to run twice.

Why RabbitMQ and not Redis as the broker: with Redis, Celery redelivers an unacknowledged job only
after `visibility_timeout` (an hour by default), and also re-runs every job still running past it.

A job sent while handling a request carries the request's id in a message header; the worker binds
it while the job runs, so the job's log lines carry the id of the request that queued it.
"""

from contextvars import Token
from typing import Any

from celery import Celery, Task
from celery.signals import before_task_publish, task_postrun, task_prerun

from ...core.config import Settings
from ...core.context import request_id_var

# Seconds between AMQP heartbeats; a silent connection is dropped (its jobs redelivered) after two.
BROKER_HEARTBEAT = 30


def create_celery_app(settings: Settings) -> Celery:
    """The app, configured from `settings`, without any task yet."""
    app = Celery(
        "jobs", broker=settings.broker_url, backend=settings.redis_url, set_as_current=False
    )
    app.conf.update(
        task_default_queue=settings.queue_name,
        task_acks_late=True,
        # A pool process killed mid-job (OOM killer, SIGKILL) returns the job to the queue too.
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_track_started=True,
        result_expires=settings.job_result_ttl,
        # JSON only: whoever can write to the broker or Redis must not be able to run code (pickle).
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_accept_content=["json"],
        broker_heartbeat=BROKER_HEARTBEAT,
        broker_connection_timeout=settings.ready_timeout,
        broker_connection_retry_on_startup=True,
        redis_socket_connect_timeout=settings.ready_timeout,
        worker_send_task_events=False,
    )
    return app


# The message header that carries the id of the request a job was sent in.
REQUEST_ID_HEADER = "request_id"

# What each running job's binding replaced, by job id, for `task_postrun` to restore.
_bound_request_ids: dict[str, Token[str]] = {}


@before_task_publish.connect(weak=False)
def send_request_id(headers: dict[str, Any], **_: Any) -> None:
    """Every job sent inside a request carries its id; so does a retry, sent inside the job."""
    request_id = request_id_var.get()
    if request_id != "-":
        headers.setdefault(REQUEST_ID_HEADER, request_id)


@task_prerun.connect(weak=False)
def bind_request_id(task_id: str, task: Task[Any, Any], **_: Any) -> None:
    """While the job runs (in whichever process), its log lines carry its request's id."""
    request_id = task.request.get(REQUEST_ID_HEADER)
    if isinstance(request_id, str):
        _bound_request_ids[task_id] = request_id_var.set(request_id)


@task_postrun.connect(weak=False)
def unbind_request_id(task_id: str, **_: Any) -> None:
    token = _bound_request_ids.pop(task_id, None)
    if token is not None:
        request_id_var.reset(token)
