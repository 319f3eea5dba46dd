"""The API's Celery tasks: thin wrappers, as in factordb/tasks.py."""

from celery import shared_task

from api import answer_warmup


@shared_task(name="api.warm_answers")
def warm_answers() -> int:
    return answer_warmup.warm_answers()
