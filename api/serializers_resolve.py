"""Request and response shapes of `resolve/` and `calculate/`.

The views validate a request with the *Request serializer, call
factordb.services.resolution.resolve / factordb.services.calculation.calculate, and
render the answer with the matching response serializer. The services raise
ValidationError naming fields ("keys", "amount", "unit", "gwp_set", "key.region" …);
the exception handler answers those with a 400 as it does for these serializers' errors.
"""

from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.fields import get_error_detail

from api.params import AsOfField
from api.serializers import DecimalTextField, MomentTextField
from factordb.bounds import AMOUNT_DECIMAL_PLACES, MAX_AMOUNT, MAX_YEAR, MIN_YEAR
from factordb.representation import decimal_text, moment_text
from factordb.services.fallback_policy import (
    DEFAULT_POLICY,
    FALLBACKS,
    MAX_YEARS_BACK,
    ORDERS,
    REGION_FIRST,
    FallbackPolicy,
    fallback_policy,
)
from factordb.services.resolution import MAX_KEYS, ResolveKey, too_many_keys


class ResolveKeySerializer(serializers.Serializer):
    category = serializers.CharField(max_length=100)
    region = serializers.CharField(max_length=50)
    year = serializers.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR)
    unit = serializers.CharField(max_length=50, help_text=(
        "The unit's code, symbol or an alias listed in units/ (千瓦时, 度 …); the answer's key "
        "names it by code."))
    # Plain strings: an unknown boundary or method is answered per key ("invalid"), not as a 400.
    boundary = serializers.CharField(max_length=30, required=False, allow_null=True, default=None)
    method = serializers.CharField(max_length=40, required=False, allow_null=True, default=None)


def _plain_code(value, max_length: int) -> bool:
    """A string ResolveKeySerializer's CharField would take as it is (not trimmed or refused)."""
    return (type(value) is str and 0 < len(value) <= max_length and value == value.strip()
            and value.isprintable())


_CODES = {name: field.max_length for name, field in ResolveKeySerializer().fields.items()
          if isinstance(field, serializers.CharField)}
_OPTIONAL = ("boundary", "method")


def _plain_key(item) -> dict | None:
    """The validated key when `item` is plainly valid, else None (and the serializer judges)."""
    if type(item) is not dict or type(item.get("year")) is not int:
        return None
    if not MIN_YEAR <= item["year"] <= MAX_YEAR:
        return None
    key = {"year": item["year"]}
    for name, max_length in _CODES.items():
        value = item.get(name)
        if value is None and name in _OPTIONAL:
            key[name] = None
        elif _plain_code(value, max_length):
            key[name] = value
        else:
            return None
    return key


class ResolveKeysField(serializers.ListField):
    """The batch of keys. Up to 5,000 nested serializers cost more than resolving the batch,
    so a plainly valid key is taken as it is; any other goes through ResolveKeySerializer,
    whose rules and messages stay the only definition (the schema documents it too)."""

    def run_child_validation(self, data: list) -> list:
        keys, errors = [], {}
        for index, item in enumerate(data):
            key = _plain_key(item)
            if key is None:
                try:
                    key = self.child.run_validation(item)
                except serializers.ValidationError as exc:
                    errors[index] = exc.detail
                    continue
                except DjangoValidationError as exc:
                    errors[index] = get_error_detail(exc)
                    continue
            keys.append(key)
        if errors:
            raise serializers.ValidationError(errors)
        return keys


class FallbackPolicySerializer(serializers.Serializer):
    """Which fallbacks a request accepts (factordb.services.fallback_policy states the rules)."""

    order = serializers.ChoiceField(choices=ORDERS, default=REGION_FIRST, help_text=(
        "region_first (default): the nearest region of the chain with any factor, then its latest "
        "year; year_first: the latest year any region of the chain has, then the nearest region "
        "with it."))
    allow = serializers.ListField(child=serializers.ChoiceField(choices=FALLBACKS), default=list(FALLBACKS),
                                  max_length=len(FALLBACKS), help_text=(
        "The fallbacks accepted: region (up the region chain), year (earlier years). "
        "Default both; [] for the key's own region and year only."))
    max_years_back = serializers.IntegerField(min_value=0, max_value=MAX_YEARS_BACK, allow_null=True,
                                              default=None, help_text=(
        "At most this many years before the key's year; null (default) for no limit."))

    def to_internal_value(self, data):
        # A misspelt part ("max_year_back") silently ignored would answer under another policy.
        if isinstance(data, Mapping) and (unknown := sorted(set(data) - set(self.fields), key=str)):
            raise serializers.ValidationError({
                str(name): [_("回退策略中没有这一项；各项为 %(parts)s") % {"parts": ", ".join(self.fields)}]
                for name in unknown})
        return super().to_internal_value(data)

    def validate(self, attrs) -> FallbackPolicy:
        return fallback_policy(**attrs)


def _policy_field() -> FallbackPolicySerializer:
    return FallbackPolicySerializer(required=False, allow_null=True, default=None, help_text=(
        "The fallbacks this request accepts; omitted or null: region_first, region and year "
        "allowed, no limit on years back (the behaviour before policies). Each answer reports "
        "the policy that chose it."))


class ResolveRequestSerializer(serializers.Serializer):
    keys = ResolveKeysField(child=ResolveKeySerializer(), allow_empty=False)
    as_of = AsOfField(required=False, allow_null=True, default=None)
    release = serializers.CharField(max_length=30, required=False, allow_null=True, default=None)
    fallback_policy = _policy_field()

    def to_internal_value(self, data):
        # Count before validating 5,001 nested keys one by one.
        keys = data.get("keys") if hasattr(data, "get") else None
        if isinstance(keys, list) and len(keys) > MAX_KEYS:
            raise serializers.ValidationError(
                {"keys": [too_many_keys(len(keys))]})
        return super().to_internal_value(data)

    def resolve_keys(self) -> list[ResolveKey]:
        return [ResolveKey(**key) for key in self.validated_data["keys"]]

    def resolve_kwargs(self) -> dict:
        data = self.validated_data
        return {"as_of": data["as_of"], "release": data["release"],
                "policy": data["fallback_policy"] or DEFAULT_POLICY}


class UnitConversionSerializer(serializers.Serializer):
    from_unit = serializers.CharField(help_text="The key's unit.")
    to_unit = serializers.CharField(help_text="The factor's own unit (unit_used).")
    multiplier = serializers.CharField(help_text=(
        "How many to_unit one from_unit is: co2e_total = factor_co2e_total × multiplier."))


class WithdrawnFactorSerializer(serializers.Serializer):
    factor_public_id = serializers.CharField()
    version = serializers.IntegerField()
    region = serializers.CharField()
    year = serializers.IntegerField()
    withdrawn_at = MomentTextField()


class ResolutionSerializer(serializers.Serializer):
    key = serializers.SerializerMethodField()
    status = serializers.CharField()
    factor_public_id = serializers.CharField(allow_null=True)
    version = serializers.IntegerField(source="version_number", allow_null=True)
    dataset = serializers.SerializerMethodField()
    co2e_total = serializers.SerializerMethodField(help_text="kg CO2e per the key's unit.")
    region_used = serializers.CharField(allow_null=True)
    year_used = serializers.IntegerField(allow_null=True)
    unit_used = serializers.CharField(allow_null=True, help_text="The factor's own activity unit.")
    factor_co2e_total = serializers.SerializerMethodField(help_text="kg CO2e per unit_used, as stated.")
    unit_conversion = UnitConversionSerializer(allow_null=True, help_text=(
        "From the key's unit to the factor's; null when they are the same unit."))
    fallback = serializers.DictField()
    fallback_policy = FallbackPolicySerializer(help_text="The policy that chose this answer.")
    withdrawn = WithdrawnFactorSerializer(allow_null=True, help_text=(
        "The withdrawn factor that would have answered this key, had it not been withdrawn."))
    reason = serializers.CharField()
    errors = serializers.DictField(child=serializers.CharField())

    def get_key(self, resolution) -> dict:
        key = resolution.key
        return {"category": key.category, "region": key.region, "year": key.year, "unit": key.unit,
                "boundary": key.boundary, "method": key.method}

    def get_dataset(self, resolution) -> str | None:
        return resolution.dataset

    def get_co2e_total(self, resolution) -> str | None:
        return decimal_text(resolution.co2e_total)

    def get_factor_co2e_total(self, resolution) -> str | None:
        return decimal_text(resolution.factor_co2e_total)

    @staticmethod
    def _unit_conversion(conversion: dict | None) -> dict | None:
        if conversion is None:
            return None
        return {"from_unit": conversion["from"], "to_unit": conversion["to"],
                "multiplier": decimal_text(conversion["factor"])}

    @staticmethod
    def _withdrawn(withdrawn: dict | None) -> dict | None:
        if withdrawn is None:
            return None
        return {**withdrawn, "withdrawn_at": moment_text(withdrawn["withdrawn_at"])}

    def to_representation(self, resolution) -> dict:
        # The fields above are the documented shape; a batch renders thousands of answers,
        # which field-by-field serialisation made cost more than resolving them.
        return {
            "key": self.get_key(resolution), "status": resolution.status,
            "factor_public_id": resolution.factor_public_id, "version": resolution.version_number,
            "dataset": resolution.dataset, "co2e_total": self.get_co2e_total(resolution),
            "region_used": resolution.region_used, "year_used": resolution.year_used,
            "unit_used": resolution.unit_used, "factor_co2e_total": self.get_factor_co2e_total(resolution),
            "unit_conversion": self._unit_conversion(resolution.unit_conversion),
            "fallback": resolution.fallback, "fallback_policy": resolution.fallback_policy,
            "withdrawn": self._withdrawn(resolution.withdrawn),
            "reason": resolution.reason, "errors": resolution.errors,
        }


class ResolveResponseSerializer(serializers.Serializer):
    results = ResolutionSerializer(many=True)


class CalculateRequestSerializer(serializers.Serializer):
    public_id = serializers.CharField(max_length=20, required=False, allow_null=True, default=None)
    key = ResolveKeySerializer(required=False, allow_null=True, default=None)
    # A string, so "abc" and "-1" reach the service, which names "amount" in its error.
    amount = serializers.CharField(max_length=50, help_text=(
        f"Activity amount, a decimal string from 0 to {MAX_AMOUNT:.0E} with at most "
        f"{AMOUNT_DECIMAL_PLACES} decimal places."))
    unit = serializers.CharField(max_length=100, help_text=(
        "The activity's unit: the code, symbol or an alias of a unit in units/ (千瓦时, 吨, 立方米 …); "
        "never an expression. The answer names it by code."))
    gwp_set = serializers.CharField(max_length=20, default="AR6")
    as_of = AsOfField(required=False, allow_null=True, default=None)
    release = serializers.CharField(max_length=30, required=False, allow_null=True, default=None)
    fallback_policy = _policy_field()

    def validate(self, data: dict) -> dict:
        # Which factor: exactly one of the two ways of naming it.
        given = (data["public_id"] is not None) + (data["key"] is not None)
        if given == 0:
            message = _("缺少因子：请给出 public_id 或 key（解析键）之一。")
        elif given == 2:
            message = _("请只给出 public_id 或 key（解析键）之一，不要两者都给。")
        else:
            return data
        raise serializers.ValidationError({"public_id": [message]})

    def calculate_kwargs(self) -> dict:
        data = dict(self.validated_data)
        data["key"] = ResolveKey(**data["key"]) if data["key"] else None
        return data


class GasEmissionSerializer(serializers.Serializer):
    gas = serializers.CharField()
    kg = DecimalTextField(max_digits=40, decimal_places=6)
    gwp = DecimalTextField(max_digits=12, decimal_places=3, allow_null=True)
    kg_co2e = DecimalTextField(max_digits=40, decimal_places=6, allow_null=True)
    counts_in_co2e = serializers.BooleanField()


class UncertaintySerializer(serializers.Serializer):
    low_kg_co2e = DecimalTextField(max_digits=40, decimal_places=6)
    high_kg_co2e = DecimalTextField(max_digits=40, decimal_places=6)
    low_pct = DecimalTextField(max_digits=7, decimal_places=2)
    high_pct = DecimalTextField(max_digits=7, decimal_places=2)
    distribution = serializers.CharField()
    confidence = serializers.CharField()


class CalculationSerializer(serializers.Serializer):
    amount = DecimalTextField(max_digits=40, decimal_places=12)
    unit = serializers.CharField()
    converted_amount = DecimalTextField(max_digits=60, decimal_places=20)
    factor_unit = serializers.CharField()
    kg_co2e = DecimalTextField(max_digits=40, decimal_places=6)
    gwp_set = serializers.CharField()
    gwp_basis = serializers.CharField()
    gases = GasEmissionSerializer(many=True)
    biogenic_co2_kg = DecimalTextField(max_digits=40, decimal_places=6, allow_null=True)
    uncertainty = UncertaintySerializer(allow_null=True)
    factor_public_id = serializers.CharField()
    version = serializers.IntegerField(source="version_number")
    release = serializers.CharField(allow_null=True)
    resolution = ResolutionSerializer(allow_null=True)
    notes = serializers.ListField(child=serializers.CharField())
