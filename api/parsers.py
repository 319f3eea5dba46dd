"""The JSON parser of the API: DRF's, refusing bodies nested deeper than MAX_JSON_DEPTH.

Python's json parser recurses once per level, so a body of 100,000 "[" exhausted the
interpreter's stack (a RecursionError, answered 500). No request of ours needs more than a
few levels; the limit is documented in the README.
"""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from factordb.bounds import MAX_JSON_DEPTH
from factordb.nul_characters import MESSAGE, NUL


def _too_deep() -> str:
    return _("JSON 请求体的数组和对象嵌套超过 %(depth)d 层。") % {"depth": MAX_JSON_DEPTH}


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_too_deep()) from exc
        depth, nul = json_shape(data)
        if depth > MAX_JSON_DEPTH:
            raise ParseError(_too_deep())
        if nul:
            # PostgreSQL refuses text holding a NUL: refused here, before any query.
            raise ParseError(_("JSON 请求体中的某个字符串%(message)s") % {"message": MESSAGE})
        return data


def json_shape(data) -> tuple[int, bool]:
    """(levels of arrays and objects, whether any key or string holds a NUL character) of
    parsed JSON, in one pass (a batch of 5,000 keys is 30,000 values) and iteratively, so
    that any depth can be measured."""
    if not isinstance(data, dict | list):
        return 0, type(data) is str and NUL in data
    deepest, nul, pending = 0, False, [(data, 1)]
    while pending:
        value, depth = pending.pop()
        deepest = max(deepest, depth)
        if isinstance(value, dict):
            nul = nul or any(NUL in key for key in value)  # JSON's keys are strings
            value = value.values()
        for item in value:
            if type(item) is str:
                nul = nul or NUL in item
            elif isinstance(item, dict | list):
                pending.append((item, depth + 1))
    return deepest, nul
