from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FactordbConfig(AppConfig):
    name = "factordb"
    verbose_name = _("排放因子库")

    def ready(self) -> None:
        from factordb.generation import watch_public_data

        watch_public_data()
