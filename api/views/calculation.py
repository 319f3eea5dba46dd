"""resolve/ and calculate/: the calculators' batch lookup and emission arithmetic."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.response_cache import CachedReadMixin
from api.schema import ERRORS
from api.serializers_resolve import (
    CalculateRequestSerializer,
    CalculationSerializer,
    ResolutionSerializer,
    ResolveRequestSerializer,
    ResolveResponseSerializer,
)
from factordb.services.calculation import calculate
from factordb.services.resolution import resolve

ANHUI_2024 = {"category": "energy.electricity.grid_average", "region": "CN-AH", "year": 2024, "unit": "kWh"}
RESOLVE_EXAMPLES = [
    OpenApiExample("Anhui grid electricity 2024", request_only=True, value={"keys": [ANHUI_2024]}),
    OpenApiExample("The most recent grid value per MWh, at most 2 years back", request_only=True, value={
        "keys": [{**ANHUI_2024, "unit": "MWh"}],
        "fallback_policy": {"order": "year_first", "allow": ["region", "year"], "max_years_back": 2}}),
]


class ResolveView(CachedReadMixin, APIView):
    # A batch's answer depends only on its body and the published data.
    cached_methods = ("POST",)

    @extend_schema(
        summary="Resolve up to 5,000 keys to published factors, with explained fallbacks",
        request=ResolveRequestSerializer, responses={200: ResolveResponseSerializer, **ERRORS},
        examples=RESOLVE_EXAMPLES,
    )
    def post(self, request: Request) -> Response:
        payload = ResolveRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        answers = resolve(payload.resolve_keys(), **payload.resolve_kwargs())
        return Response({"results": ResolutionSerializer(answers, many=True).data})


class CalculateView(CachedReadMixin, APIView):
    cached_methods = ("POST",)

    @extend_schema(
        summary="Emissions of an activity: amount and unit → kg CO2e with breakdown and uncertainty",
        request=CalculateRequestSerializer, responses={200: CalculationSerializer, **ERRORS},
        examples=[OpenApiExample("1 MWh of 2022 national grid electricity", request_only=True, value={
            "public_id": "EFSKYNSW61TZ", "amount": "1", "unit": "MWh", "gwp_set": "AR6"})],
    )
    def post(self, request: Request) -> Response:
        payload = CalculateRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return Response(CalculationSerializer(calculate(**payload.calculate_kwargs())).data)
