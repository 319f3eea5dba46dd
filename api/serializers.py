"""Shapes of the API's answers. Decimals are strings, never floats; names come in both languages."""

import json

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from factordb.models import Category, FactorVersion, Gas, GwpSet, Region, Source, Unit


class ErrorSerializer(serializers.Serializer):
    """The one error shape (documented for every endpoint)."""

    @extend_schema_serializer(component_name="ErrorBody")
    class Body(serializers.Serializer):
        code = serializers.CharField()
        message = serializers.CharField()
        details = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))

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
        return {row.gas.code: str(row.value.normalize()) for row in gwp_set.values.all()}


class GasAmountSerializer(serializers.Serializer):
    gas = serializers.CharField(source="gas.code")
    amount = serializers.DecimalField(max_digits=20, decimal_places=10, normalize_output=True)


class CitationSerializer(serializers.Serializer):
    title = serializers.CharField(source="source.title")
    publisher = serializers.CharField(source="source.publisher")
    year = serializers.IntegerField(source="source.year")
    url = serializers.CharField(source="source.url")
    document_id = serializers.CharField(source="source.document_id")
    locator = serializers.CharField()


class VersionSerializer(serializers.ModelSerializer):
    gwp_set = serializers.SlugRelatedField(slug_field="code", read_only=True)
    co2e_total = serializers.DecimalField(max_digits=20, decimal_places=8, normalize_output=True)
    biogenic_co2 = serializers.DecimalField(max_digits=20, decimal_places=8, normalize_output=True,
                                            allow_null=True)
    gas_amounts = GasAmountSerializer(many=True, read_only=True)
    sources = CitationSerializer(source="version_sources", many=True, read_only=True)
    data_quality = serializers.SerializerMethodField()
    uncertainty = serializers.SerializerMethodField()

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
        def text(value):
            return None if value is None else str(value.normalize())
        return {"distribution": version.uncertainty_distribution or None,
                "low_pct": text(version.uncertainty_low_pct), "high_pct": text(version.uncertainty_high_pct),
                "gsd": text(version.uncertainty_gsd)}


class FactorSerializer(serializers.Serializer):
    """A factor's identity with one of its published versions (the one in force, by default)."""

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


class FrozenFactorSerializer(FactorSerializer):
    """A factor as a release pinned it: the document frozen when the release was sealed
    (factordb/services/exports.py renders it in FactorSerializer's shape)."""

    def to_representation(self, instance) -> dict:
        return json.loads(instance.frozen_document)
