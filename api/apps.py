from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from api.answer_warmup import warm_up_soon
        from factordb.generation import public_data_committed

        public_data_committed.connect(warm_up_soon, dispatch_uid="api-warm-up")
