"""The factor search: the API's filters as a form, sorting, paging and a count."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from factordb import selectors_search
from factordb.forms_search import MAX_TEXT, FactorSearchForm
from factordb.reference_data import reference
from factordb.services.resolution import visible_versions
from factordb.views.public.caching import public_page


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
    })


@public_page
def search_redirect(request: HttpRequest) -> HttpResponse:
    """The old search address: the same search on the factor list, in the same language.

    Only the form's own fields go along, each cut to the longest value the form accepts: an
    address of any length would make a redirect Django refuses (and browsers truncate)."""
    kept = {name: request.GET[name][:MAX_TEXT]
            for name in FactorSearchForm.base_fields if request.GET.get(name)}
    query = urlencode(kept)
    return HttpResponseRedirect(reverse("factor_search") + (f"?{query}" if query else ""))
