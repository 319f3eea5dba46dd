"""The bounds of what a client may ask for. The README ("Bounds of input") and the OpenAPI
schema state them; a value outside is a 400 naming its field, never a 500.

Why these numbers: a national inventory's largest activity (all of China's electricity in a
year) is about 10^13 kWh, so 10^15 leaves room for any real amount while every result still
fits the answer's decimal fields; 12 decimal places are the answer's own precision for an
amount. Factor years are data years of the industrial era; moments span the same years, and
nothing published can be older.
"""

from datetime import UTC, datetime
from decimal import Decimal

MAX_AMOUNT = Decimal("1e15")
AMOUNT_DECIMAL_PLACES = 12

MIN_YEAR = 1900
MAX_YEAR = 2100

EARLIEST_MOMENT = datetime(MIN_YEAR, 1, 1, tzinfo=UTC)
LATEST_MOMENT = datetime(MAX_YEAR + 1, 1, 1, tzinfo=UTC)  # exclusive

# Depth of arrays and objects in a JSON body: resolve/ needs 3 ({"keys": [{…}]}).
MAX_JSON_DEPTH = 32
