from simple_history.admin import SimpleHistoryAdmin


class AuditedAdminMixin(SimpleHistoryAdmin):
    pass
