"""The seed: real published reference data and factors, loaded from the CSV files in factordb/seed/.

Two phases. `seed_read` parses and checks every file without touching the database, so
bad input is reported by file, row and field before anything is written. `seed_load`
then writes, in one transaction, only what is missing: a row that exists is compared,
never overwritten, and reported as unchanged or differing.
"""

from .plan import SEED_DIR, SeedError, SeedReport, seed_public_id
from .reading import seed_read
from .writing import seed_load

__all__ = ["SEED_DIR", "SeedError", "SeedReport", "seed_load", "seed_public_id", "seed_read"]
