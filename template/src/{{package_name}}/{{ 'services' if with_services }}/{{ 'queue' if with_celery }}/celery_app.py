"""The Celery app: RabbitMQ (`BROKER_URL`) carries jobs, Redis (`REDIS_URL`) keeps their results.

Delivery is at least once. A worker acknowledges a job only once it has finished (`task_acks_late`)
and takes one job at a time per process (`worker_prefetch_multiplier=1`). RabbitMQ hands every job
its consumer had not acknowledged to another worker as soon as that consumer's connection drops: at
once for a killed process, after two missed heartbeats for a machine that vanished. Jobs must
therefore be safe to run twice.

Why RabbitMQ and not Redis as the broker: with Redis, Celery redelivers an unacknowledged job only
after `visibility_timeout` (an hour by default), and also re-runs every job still running past it.
"""

from celery import Celery

from ...core.config import Settings

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
