"""Filters of the factor list. A value the platform does not know is a 400 naming the parameter."""

import copy
import functools

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from rest_framework import serializers
from rest_framework.filters import OrderingFilter

from api.params import AS_OF_HELP, MOMENT_HELP, parse_moment
from factordb import selectors_search
from factordb.bounds import MAX_YEAR, MIN_YEAR
from factordb.constants import LifecycleBoundary, Methodology
from factordb.reference_data import Reference, reference
from factordb.unit_names import UnitNameError, unit_named


class FactorFilter(filters.FilterSet):
    category = filters.CharFilter(method="filter_category",
                                  help_text="Category code; the category's descendants are included.")
    region = filters.CharFilter(method="filter_region", help_text="Region code (exact).")
    year = filters.NumberFilter(field_name="factor__year", min_value=MIN_YEAR, max_value=MAX_YEAR,
                                help_text=f"Reference year, {MIN_YEAR}–{MAX_YEAR}.")
    unit = filters.CharFilter(method="filter_unit", max_length=50, help_text=(
        "Activity unit: its code, symbol or an alias listed in units/ (千瓦时 and kWh are the same)."))
    gas = filters.CharFilter(method="filter_gas", help_text="Gas code: versions with an amount of this gas.")
    boundary = filters.ChoiceFilter(choices=LifecycleBoundary.choices, field_name="factor__boundary")
    method = filters.ChoiceFilter(choices=Methodology.choices, field_name="factor__method")
    # Bounded like a database id, so no integer reaches the database that it cannot hold.
    source = filters.NumberFilter(method="filter_source", min_value=1, max_value=2**63 - 1,
                                  help_text="Source id (see /sources/).")
    dataset = filters.CharFilter(method="filter_dataset", help_text="Dataset code (e.g. MEE-GRID).")
    q = filters.CharFilter(method="filter_text", help_text=(
        "Words, split on spaces and punctuation (at most "
        f"{selectors_search.MAX_TERMS} are used); each must be found in the Chinese or English "
        "name, the id, the region's name or code, or the category's name; four digits also "
        "match the year. '2022 全国' and '全国，2022' find the same factors."))
    as_of = filters.CharFilter(
        method="filter_as_of",
        help_text=f"The versions in force then (published_at <= t < superseded_at). {AS_OF_HELP}")
    release = filters.CharFilter(
        method="filter_release",
        help_text=("Release name (e.g. 2025.1): the versions it pinned, shown as the release showed them "
                   "when it was sealed; the other filters match today's codes and names."))
    updated_since = filters.CharFilter(method="filter_updated_since", help_text=(
        "Factors whose version was published, superseded or withdrawn at or after then: the version in "
        "force, or for a factor withdrawn since then with none in force, its withdrawn version "
        f"(status withdrawn; the list only: an export writes versions in force). {MOMENT_HELP}"))

    @classmethod
    @functools.cache
    def _form_class(cls) -> type:
        # From copies: a field built on the class's own filters would be deep-copied with them
        # into every FilterSet made.
        filters = copy.deepcopy(cls.base_filters)
        return type(f"{cls.__name__}Form", (cls._meta.form,),
                    {name: filter_.field for name, filter_ in filters.items()})

    def get_form_class(self) -> type:
        # django-filter builds the form's class, with a field for each of the thirteen filters,
        # on every request; they depend on nothing but this class, so it is built once.
        return self._form_class()

    @functools.cached_property
    def _reference(self) -> Reference:
        # Read once for the request's filters (each read asks the cache for the generation).
        return reference()

    def _known(self, parameter: str, value: object):
        """The category, region, gas, dataset or source a filter names: from the reference lists
        this process keeps per data generation (factordb/reference_data.py), not a query each."""
        found = self._reference.by_code(parameter).get(str(value))
        if found is None:
            raise serializers.ValidationError({parameter: [
                _("未知的 %(parameter)s“%(value)s”") % {"parameter": parameter, "value": value}]})
        return found

    # The rules themselves live in factordb/selectors_search.py, which the search page applies too.
    def filter_category(self, queryset: QuerySet, name: str, code: str) -> QuerySet:
        return selectors_search.in_category(queryset, self._known(name, code))

    def filter_region(self, queryset: QuerySet, name: str, code: str) -> QuerySet:
        return queryset.filter(factor__region=self._known(name, code))

    def filter_unit(self, queryset: QuerySet, name: str, text: str) -> QuerySet:
        try:
            unit = unit_named(text)
        except UnitNameError as exc:
            raise serializers.ValidationError({name: [str(exc)]}) from exc
        return queryset.filter(factor__unit=unit)

    def filter_gas(self, queryset: QuerySet, name: str, code: str) -> QuerySet:
        return selectors_search.with_gas(queryset, self._known(name, code))

    def filter_source(self, queryset: QuerySet, name: str, pk: int) -> QuerySet:
        return selectors_search.citing_source(queryset, self._known(name, int(pk)))

    def filter_dataset(self, queryset: QuerySet, name: str, code: str) -> QuerySet:
        return selectors_search.in_dataset(queryset, self._known(name, code))

    def filter_text(self, queryset: QuerySet, name: str, text: str) -> QuerySet:
        return selectors_search.matching_text(queryset, text)

    def filter_as_of(self, queryset: QuerySet, name: str, raw: str) -> QuerySet:
        # Applied by the view before the other filters; here it only guards the value.
        return queryset

    def filter_release(self, queryset: QuerySet, name: str, release_name: str) -> QuerySet:
        # Applied by the view with as_of: both choose which versions are visible at all.
        return queryset

    def filter_updated_since(self, queryset: QuerySet, name: str, raw: str) -> QuerySet:
        moment = parse_moment(raw, name)
        return queryset.filter(Q(published_at__gte=moment) | Q(superseded_at__gte=moment))


class StrictOrderingFilter(OrderingFilter):
    """DRF ignores unknown ordering fields; a calculator should hear that it asked for one."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            allowed = {name for name, _ in self.get_valid_fields(queryset, view, {"request": request})}
            terms = [term.strip().lstrip("-") for term in params.split(",")]
            unknown = [term for term in terms if term not in allowed]
            if unknown:
                raise serializers.ValidationError({self.ordering_param: [
                    _("未知的排序字段：%(unknown)s；请使用 %(allowed)s 之一")
                    % {"unknown": ", ".join(unknown), "allowed": ", ".join(sorted(allowed))}]})
        return super().get_ordering(request, queryset, view)
