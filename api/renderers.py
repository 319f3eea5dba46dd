"""The API's JSON, written by orjson: the same bytes as DRF's JSONRenderer.

A resolve batch answers up to 5,000 keys, each a dozen fields, and Python's json module spent
a fifth of a worked-out batch writing them; a worked-out list or detail, a tenth
(docs/adr/0033, bench/RESULTS.md). The API's answers hold text, integers, booleans, nulls,
lists and objects (decimals and moments are written as text, factordb/representation.py),
which orjson writes exactly as DRF does with this project's settings (compact, UTF-8, not
ASCII-escaped), but for U+2028 and U+2029, which DRF escapes so that the answer is also
valid JavaScript, and which are escaped here the same way. Anything else goes to DRF:
an indented answer (the browsable API, `; indent=`), a value orjson does not write as DRF
would (a moment, a decimal, a lazy translation: through DRF's own encoder), and what orjson
refuses (an integer wider than 64 bits, a string that is not valid Unicode).
"""

import orjson
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder

# Datetimes and dataclasses go to `default`, that is to DRF's encoder, rather than to
# orjson's own forms of them. (A float, which the answers never hold, orjson would write in
# its own shortest form: 1e16 where DRF writes 1e+16.)
_PASSTHROUGH = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if (data is None or not self.compact or self.ensure_ascii
                or self.get_indent(accepted_media_type, renderer_context or {}) is not None):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            body = orjson.dumps(data, default=JSONEncoder().default, option=_PASSTHROUGH)
        except (orjson.JSONEncodeError, TypeError):
            return super().render(data, accepted_media_type, renderer_context)
        return body.replace("\u2028".encode(), b"\\u2028").replace("\u2029".encode(), b"\\u2029")
