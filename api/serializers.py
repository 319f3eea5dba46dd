"""Shapes of the API's answers. Names come in both languages; decimals and moments are written
by the one rule of factordb/representation.py, in every answer and file:

- decimals are strings, never floats: plain text, no exponent, no trailing zeros ('0.5366', '30');
- moments are UTC, ISO 8601 ending in Z ('2024-06-30T16:00:00Z'); days are ISO dates.
"""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from factordb.models import Category, FactorVersion, Gas, GwpSet, Region, Source, Unit
from factordb.representation import decimal_text, moment_text

DECIMAL_HELP = "A decimal as a string: plain text, no exponent, no trailing zeros ('0.5366', '30', '0')."
MOMENT_TEXT_HELP = "UTC, ISO 8601 ending in Z ('2024-06-30T16:00:00Z'); fractional seconds only when stored."


class DecimalTextField(serializers.DecimalField):
    """An answer's decimal, as factordb.representation.decimal_text writes it. max_digits and
    decimal_places are what the schema promises: a stored column's value fits them as it is;
    a computed one with more places is rounded to them first, as DRF's DecimalField would."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("help_text", DECIMAL_HELP)
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value) -> str | None:
        value = value if isinstance(value, Decimal) else Decimal(str(value))
        if value.is_finite() and value.as_tuple().exponent < -self.decimal_places:
            value = self.quantize(value)
        return decimal_text(value)


class MomentTextField(serializers.DateTimeField):
    """An answer's moment, as factordb.representation.moment_text writes it (UTC, Z), whatever
    the site's TIME_ZONE."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("help_text", MOMENT_TEXT_HELP)
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value) -> str | None:
        return moment_text(value)


class ErrorSerializer(serializers.Serializer):
    """The one error shape (documented for every endpoint)."""

    @extend_schema_serializer(component_name="ErrorBody")
    class Body(serializers.Serializer):
        code = serializers.CharField()
        message = serializers.CharField()
        details = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
        request_id = serializers.CharField(required=False, help_text=(
            "Only on a server error (500): the request's id, as in its X-Request-ID header and "
            "every log line of the request; quote it when reporting the failure."))

    error = Body()


class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Category
        fields = ("code", "parent", "name_zh", "name_en", "description", "activity_dimension", "path")


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Region
        fields = ("code", "kind", "parent", "name_zh", "name_en")


class UnitSerializer(serializers.ModelSerializer):
    aliases = serializers.SlugRelatedField(
        slug_field="alias", many=True, read_only=True,
        help_text="Other names accepted wherever a unit is given (千瓦时, 度 for kWh).")

    class Meta:
        model = Unit
        fields = ("code", "symbol", "aliases", "dimension", "name_zh", "name_en")


class GasSerializer(serializers.ModelSerializer):
    class Meta:
        model = Gas
        fields = ("code", "formula", "origin", "counts_in_co2e", "name_zh", "name_en")


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ("id", "code", "title", "publisher", "published_on", "year", "url", "document_id", "licence",
                  "language", "verification_note")


class GwpSetSerializer(serializers.ModelSerializer):
    source = SourceSerializer(read_only=True)
    values = serializers.SerializerMethodField()

    class Meta:
        model = GwpSet
        fields = ("code", "name", "horizon_years", "source", "values")

    def get_values(self, gwp_set: GwpSet) -> dict[str, str]:
        return {row.gas.code: decimal_text(row.value) for row in gwp_set.values.all()}


class GasAmountSerializer(serializers.Serializer):
    gas = serializers.CharField(source="gas.code")
    amount = DecimalTextField(max_digits=20, decimal_places=10)


class CitationSerializer(serializers.Serializer):
    title = serializers.CharField(source="source.title")
    publisher = serializers.CharField(source="source.publisher")
    year = serializers.IntegerField(source="source.year")
    url = serializers.CharField(source="source.url")
    document_id = serializers.CharField(source="source.document_id")
    locator = serializers.CharField()


class VersionSerializer(serializers.ModelSerializer):
    gwp_set = serializers.SlugRelatedField(slug_field="code", read_only=True)
    co2e_total = DecimalTextField(max_digits=20, decimal_places=8)
    biogenic_co2 = DecimalTextField(max_digits=20, decimal_places=8, allow_null=True)
    gas_amounts = GasAmountSerializer(many=True, read_only=True)
    sources = CitationSerializer(source="version_sources", many=True, read_only=True)
    data_quality = serializers.SerializerMethodField()
    uncertainty = serializers.SerializerMethodField()
    published_at = MomentTextField(allow_null=True)
    superseded_at = MomentTextField(allow_null=True)

    class Meta:
        model = FactorVersion
        fields = ("version", "status", "co2e_total", "gwp_set", "biogenic_co2", "is_removal",
                  "gas_amounts", "uncertainty", "data_quality", "derivation", "sources",
                  "notes_zh", "notes_en", "valid_from", "valid_to", "published_at", "superseded_at")

    def get_data_quality(self, version: FactorVersion) -> dict[str, int | str]:
        return {"reliability": version.dq_reliability, "completeness": version.dq_completeness,
                "temporal": version.dq_temporal, "geographical": version.dq_geographical,
                "technological": version.dq_technological, "note": version.quality_note}

    def get_uncertainty(self, version: FactorVersion) -> dict[str, str | None]:
        return {"distribution": version.uncertainty_distribution or None,
                "low_pct": decimal_text(version.uncertainty_low_pct),
                "high_pct": decimal_text(version.uncertainty_high_pct),
                "gsd": decimal_text(version.uncertainty_gsd)}


class FactorSerializer(serializers.Serializer):
    """A factor's identity with one of its published versions (the one in force, by default).

    The schema's description of the document factordb.services.factor_documents builds: the
    views answer with those documents, built from plain rows, and a test holds the two equal."""

    public_id = serializers.CharField(source="factor.public_id")
    name_zh = serializers.CharField(source="factor.name_zh")
    name_en = serializers.CharField(source="factor.name_en")
    dataset = serializers.CharField(source="factor.dataset.code")
    authority_rank = serializers.IntegerField(source="factor.dataset.authority_rank")
    category = serializers.CharField(source="factor.category.code")
    region = serializers.CharField(source="factor.region.code")
    unit = serializers.CharField(source="factor.unit.code")
    year = serializers.IntegerField(source="factor.year")
    boundary = serializers.CharField(source="factor.boundary")
    method = serializers.CharField(source="factor.method")
    version = VersionSerializer(source="*")

