"""Shared pieces of the OpenAPI description, and the names a generated client reads."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from api.serializers import ErrorSerializer

ERROR_EXAMPLE = OpenApiExample(
    "Invalid parameter",
    value={"error": {"code": "invalid", "message": "The request has invalid values.",
                     "details": {"category": ["Select a valid choice."]}}},
    response_only=True,
)

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="A parameter or body value is invalid; "
                         "`details` names each one.", examples=[ERROR_EXAMPLE]),
    404: OpenApiResponse(ErrorSerializer, description="No such object."),
    429: OpenApiResponse(ErrorSerializer, description="Quota exceeded; see Retry-After."),
    503: OpenApiResponse(ErrorSerializer, description="The database does not answer (a restart, a "
                         "failover): `unavailable`; ask again after Retry-After."),
}

REQUEST_SUFFIX = "Request"
SCHEMA_REF = "#/components/schemas/"


def client_names(result: dict, generator, request, public: bool) -> dict:
    """drf-spectacular postprocessing hook: the names a client generator turns into classes
    and functions, as a calculator's developer would write them.

    Components: COMPONENT_SPLIT_REQUEST appends "Request" to every request shape, which makes
    `ResolveRequestRequest` of `ResolveRequestSerializer`; a request shape without a response
    shape of the same name loses that suffix. Operations: this API creates nothing (its POSTs
    ask a question), so no operation is called `…_create`; and no name holds a dot, which
    most languages refuse in a function's name (`releases_download.json_retrieve`).
    Parameters: a filter's schema carries no title, which generators would name its choices
    after (the model field's Chinese verbose name: `factors_list_生命周期边界`); the
    parameter's own name serves (`FactorsListBoundary`).
    """
    schemas = result.get("components", {}).get("schemas", {})
    renames = {name: name.removesuffix(REQUEST_SUFFIX) for name in schemas
               if name.endswith(REQUEST_SUFFIX) and name.removesuffix(REQUEST_SUFFIX) not in schemas}
    result["components"]["schemas"] = {renames.get(name, name): shape for name, shape in schemas.items()}
    _rename_refs(result, {SCHEMA_REF + old: SCHEMA_REF + new for old, new in renames.items()})
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "operationId" in operation:
                operation["operationId"] = _operation_name(operation["operationId"])
                for parameter in operation.get("parameters", []):
                    parameter.get("schema", {}).pop("title", None)
    return result


def _operation_name(operation_id: str) -> str:
    return operation_id.removesuffix("_create").replace(".", "_")


def _rename_refs(node, refs: dict[str, str]) -> None:
    if isinstance(node, dict):
        if node.get("$ref") in refs:
            node["$ref"] = refs[node["$ref"]]
        for value in node.values():
            _rename_refs(value, refs)
    elif isinstance(node, list):
        for value in node:
            _rename_refs(value, refs)
