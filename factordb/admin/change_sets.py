"""Change sets in the admin: the list, and putting a set together from drafts or an import.

The admin only gathers what the editor chose (drafts ticked in the versions' list, one
draft's "submit as a change set", or an import's drafts) and asks for the title and the
reason; the service creates the set, and its review road runs on the set's own page.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, has_role
from factordb.errors import WorkflowError
from factordb.http import add_errors, message_of
from factordb.models import ChangeSet, FactorImport, FactorVersion
from factordb.services import change_sets

from .history import AuditedAdminMixin

MAX_PICKED = 20_000  # drafts one request may carry in its address


class CreateForm(forms.Form):
    title = forms.CharField(label=_("标题"), required=False, max_length=200)
    description = forms.CharField(
        label=_("变更说明（为什么修改，必填）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
    )


@admin.register(ChangeSet)
class ChangeSetAdmin(AuditedAdminMixin):
    list_display = (
        "__str__",
        "kind",
        "status",
        "review_round",
        "size",
        "author",
        "created_at",
        "review_page",
    )
    list_filter = ("status", "kind")
    search_fields = ("title", "description")
    list_select_related = ("author",)
    fields = ("title", "description", "kind", "status", "review_round", "author", "factor_import",
              "split_from", "scheduled_publication_at", "scheduled_by", "created_at", "review_page")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super().get_queryset(request).annotate(size=Count("rows", filter=Q(rows__left_at__isnull=True)))
        )

    @admin.display(description=_("版本数"), ordering="size")
    def size(self, obj: ChangeSet) -> int:
        return obj.size

    @admin.display(description=_("评审页面"))
    def review_page(self, obj: ChangeSet) -> str:
        return format_html('<a href="{}">{}</a>', reverse("review:change_set", args=[obj.pk]), _("打开"))

    # Sets are made by the services (below) and moved on their own page: never edited here.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta
        new = path(
            "new/",
            self.admin_site.admin_view(self.create_view),
            name=f"{opts.app_label}_{opts.model_name}_new",
        )
        return [new, *super().get_urls()]

    def create_view(self, request: HttpRequest) -> HttpResponse:
        """Title and reason for the drafts picked (`versions`) or for an import's drafts (`import`)."""
        if not has_role(request.user, Role.EDITOR):
            raise PermissionDenied(_("只有数据编辑可以组成变更集。"))
        source = request.POST if request.method == "POST" else request.GET
        factor_import = _import_of(source.get("import", ""))
        versions = (
            _drafts(source.get("versions", ""))
            if factor_import is None
            else list(
                FactorVersion.objects.filter(imported_from__factor_import=factor_import).select_related(
                    "factor"
                )
            )
        )
        form = CreateForm(
            request.POST if request.method == "POST" else None,
            initial={"title": factor_import.file_name if factor_import else ""},
        )
        if request.method == "POST" and form.is_valid():
            try:
                if factor_import is not None:
                    change_set = change_sets.change_set_from_import(
                        factor_import=factor_import, actor=request.user, **form.cleaned_data
                    )
                else:
                    change_set = change_sets.change_set_create(
                        actor=request.user, versions=versions, **form.cleaned_data
                    )
            except ValidationError as exc:
                add_errors(form, exc)
            except WorkflowError as exc:  # shown on the form; nothing was written
                form.add_error(None, message_of(exc))
            else:
                messages.success(
                    request, _("已组成变更集 %(set)s；请在其页面提交评审。") % {"set": change_set}
                )
                return HttpResponseRedirect(reverse("review:change_set", args=[change_set.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "versions": versions[:200],
            "count": len(versions),
            "factor_import": factor_import,
            "versions_param": ",".join(str(v.pk) for v in versions) if factor_import is None else "",
            "title": _("组成变更集"),
        }
        return TemplateResponse(
            request, "admin/factordb/changeset/new.html", context, status=400 if form.errors else 200
        )


def _import_of(value: str) -> FactorImport | None:
    return FactorImport.objects.defer("content").filter(pk=value).first() if value.isdigit() else None


def _drafts(value: str) -> list[FactorVersion]:
    ids = [int(part) for part in value.split(",") if part.strip().isdigit()][:MAX_PICKED]
    return list(
        FactorVersion.objects.filter(pk__in=ids).select_related("factor").order_by("factor__public_id")
    )


def new_change_set_url(versions) -> str:
    return (
        reverse("admin:factordb_changeset_new")
        + "?"
        + urlencode({"versions": ",".join(str(v.pk) for v in versions)})
    )


@admin.action(description=_("将所选草稿组成变更集"))
def make_change_set(modeladmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
    """Takes the ticked drafts to the page that asks for the set's title and reason."""
    if not has_role(request.user, Role.EDITOR):
        messages.error(request, _("只有数据编辑可以组成变更集。"))
        return None
    return HttpResponseRedirect(new_change_set_url(queryset.select_related(None).only("pk")))
