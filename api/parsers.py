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
        if json_depth(data) > MAX_JSON_DEPTH:
            raise ParseError(_too_deep())
        if holds_nul(data):
            # PostgreSQL refuses text holding a NUL: refused here, before any query.
            raise ParseError(_("JSON 请求体中的某个字符串%(message)s") % {"message": MESSAGE})
        return data


def json_depth(data) -> int:
    """Levels of arrays and objects in parsed JSON; iterative, so any depth can be measured."""
    deepest, pending = 0, [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth)
            pending.extend((item, depth + 1) for item in value if isinstance(item, dict | list))
    return deepest


def holds_nul(data) -> bool:
    """Whether any key or string of parsed JSON holds a NUL character (iteratively, like json_depth)."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str) and NUL in value:
            return True
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False
