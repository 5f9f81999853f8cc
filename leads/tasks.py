from celery import shared_task

from leads import services


@shared_task(acks_late=True)
def pool_return_stale() -> int:
    """Periodic: owned companies nobody followed up go back to the public pool."""
    return services.pool_return_stale()
