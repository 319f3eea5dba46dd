from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from factordb.admin.history import AuditedAdminMixin

from .models import User


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")
