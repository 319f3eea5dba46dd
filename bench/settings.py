"""The production settings plus one URL: a bare view to measure the stack against."""

from factordb.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
