"""The staff admin. Importing the modules registers their ModelAdmins (admin autodiscovery)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import change_sets, factors, imports, reference, releases, webhooks  # noqa: F401  (registration side effects)

admin.site.site_header = _("国家碳足迹因子数据库 管理后台")
admin.site.site_title = _("碳足迹因子数据库")
admin.site.index_title = _("数据管理")
