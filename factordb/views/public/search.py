"""The factor search: the API's filters as a form, sorting, paging and a count; and the
list it shows, whole, as a file."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from factordb import selectors_search
from factordb.forms_search import MAX_TEXT, FactorSearchForm
from factordb.reference_data import reference
from factordb.services.list_exports import MAX_ROWS, ExportFormat, ExportTooLarge, export_list
from factordb.services.resolution import visible_versions
from factordb.views.public.caching import public_page

# The files the page offers, in this order.
DOWNLOADS = (
    (ExportFormat.CSV, "CSV"),
    (ExportFormat.CSV_EXCEL, gettext_lazy("CSV（Excel 用）")),
    (ExportFormat.XLSX, "XLSX"),
    (ExportFormat.JSON, "JSON"),
)
# A file holds the whole list: the page's paging means nothing to it and is let pass.
NOT_FOR_FILES = ("page", "per_page")
FILE_FORMAT = "file_format"


def _list_query(form: FactorSearchForm) -> list[tuple[str, str]]:
    """What makes the list (filters, text, order), without the paging."""
    return [(name, value) for name, value in form.kept_values() if name not in NOT_FOR_FILES]


def _download_links(form: FactorSearchForm) -> list[tuple[str, str]]:
    address = reverse("factor_export")
    return [(str(label), f"{address}?{urlencode([(FILE_FORMAT, file_format.value), *_list_query(form)])}")
            for file_format, label in DOWNLOADS]


@public_page
def factor_search(request: HttpRequest) -> HttpResponse:
    form = FactorSearchForm(request.GET, options=reference())
    form.is_valid()  # what does not pass is named in `problems` and left out of the search
    asked = form.search_request()
    problems = form.problems()
    if form.ignored_terms():
        reason = _("只按前 %(count)s 个词检索，其余的词未使用。") % {"count": selectors_search.MAX_TERMS}
        problems.append((str(form.fields["q"].label), reason))

    # The versions in force now, as the API's list serves them.
    versions = selectors_search.filtered(visible_versions(), asked.filters)
    versions = selectors_search.ordered(versions, asked.sort, descending=asked.descending)
    paginator = Paginator(versions, asked.per_page)
    if asked.page > paginator.num_pages:
        problems.append((str(form.fields["page"].label), _(
            "第 %(page)s 页不存在（共 %(pages)s 页），显示的是最后一页。")
            % {"page": asked.page, "pages": paginator.num_pages}))
    page = paginator.get_page(asked.page)

    return render(request, "factordb/public/search.html", {
        "form": form,
        "problems": problems,
        "page": page,
        "count": paginator.count,
        "kept_query": urlencode(form.kept_values()),
        "downloads": _download_links(form) if 0 < paginator.count <= MAX_ROWS else [],
        "too_many_to_download": paginator.count > MAX_ROWS,
        "max_rows": MAX_ROWS,
    })


def _export_problems(request: HttpRequest, form: FactorSearchForm) -> list[tuple[str, str]]:
    """(what, why) for every parameter the file cannot be made with. Unlike the page, which
    shows what it can and names the rest, a file is refused whole: a filter left out would
    give a larger list than the one asked for, and nobody reads a file's warnings."""
    allowed = set(FactorSearchForm.base_fields) | {FILE_FORMAT}
    problems = [(str(form.fields[name].label), str(message)) for name in form.fields
                if name in form.errors and name not in NOT_FOR_FILES for message in form.errors[name]]
    for name, values in request.GET.lists():
        if name not in allowed:
            problems.append((name, _("不是可用的参数。")))
        elif len(values) > 1:
            problems.append((name, _("只能给出一次。")))
    file_format = request.GET.get(FILE_FORMAT, "")
    if file_format not in set(ExportFormat):
        problems.append((FILE_FORMAT, _("须为 %(choices)s 之一。") % {
            "choices": ", ".join(choice.value for choice in ExportFormat)}))
    return problems


@public_page
def factor_export(request: HttpRequest) -> HttpResponse:
    """The search page's list, all of it, as a CSV, XLSX or JSON file (the import template's
    columns: factordb/services/list_exports.py). The language of the address changes nothing
    in the file."""
    form = FactorSearchForm(request.GET, options=reference())
    form.is_valid()
    problems = _export_problems(request, form)
    if not problems:
        asked = form.search_request()
        versions = selectors_search.filtered(visible_versions(), asked.filters)
        versions = selectors_search.ordered(versions, asked.sort, descending=asked.descending)
        try:
            exported = export_list(versions, ExportFormat(request.GET[FILE_FORMAT]),
                                   filters=dict(_list_query(form)))
        except ExportTooLarge as exc:
            problems.append((_("因子数量"), _(
                "此列表有 %(count)s 个因子，一个文件最多 %(limit)s 个；请增加筛选条件。")
                % {"count": exc.count, "limit": exc.limit}))
        else:
            response = FileResponse(exported.file, as_attachment=True, filename=exported.filename,
                                    content_type=exported.content_type)
            response["ETag"] = exported.etag
            return response
    return render(request, "factordb/public/export_refused.html", {
        "problems": problems,
        "search_query": urlencode(_list_query(form)),
    }, status=400)


@public_page
def search_redirect(request: HttpRequest) -> HttpResponse:
    """The old search address: the same search on the factor list, in the same language.

    Only the form's own fields go along, each cut to the longest value the form accepts: an
    address of any length would make a redirect Django refuses (and browsers truncate)."""
    kept = {name: request.GET[name][:MAX_TEXT]
            for name in FactorSearchForm.base_fields if request.GET.get(name)}
    query = urlencode(kept)
    return HttpResponseRedirect(reverse("factor_search") + (f"?{query}" if query else ""))
