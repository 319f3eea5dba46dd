"""`make bench-pages`: the public search and factor pages under load, next to a fixed page.

The same database, server and method as `make bench-api` (bench/api.py: the 100,000-factor
PostgreSQL database, gunicorn with the production settings and Redis, wrk). The baseline is
`/bench/fixed-page/`: a fixed page rendered from a template through base.html and the same
middleware, so each page's figures read as ratios to what any page costs on this stack.

Each page is measured worked out (`Cache-Control: no-cache`: no kept page is served) and from
the page cache, over one connection for p50/p99 and over several for throughput. The targets:
the search page with three filters ≤ 3 × and the factor page ≤ 2 × the fixed page's p50 when
worked out.
"""

import random

from bench.api import (
    CONNECTIONS,
    SECONDS,
    Figures,
    Scenario,
    data_shape,
    machine,
    measure,
    publish,
    setup,
)

FIXED = "fixed page"
TARGETS = {"search, 3 filters, worked out": 3.0, "factor page, worked out": 2.0}


def scenarios() -> list[Scenario]:
    """Pages of the shape visitors ask for, drawn from the data (fixed seed)."""
    from factordb.models import Category, Factor, FactorVersion

    rng = random.Random(11)
    published = list(FactorVersion.objects.filter(status="published", factor__public_id__startswith="BF")
                     .values_list("factor__public_id", flat=True)[:50_000])
    factors = [f"/factors/{public_id}/" for public_id in rng.sample(published, 100)]
    parents = {c.pk: c.code for c in Category.objects.filter(children__code__contains=".b")}
    listed = list(Factor.objects.filter(public_id__startswith="BF", category__parent_id__in=parents)
                  .values_list("category__parent_id", "region__code", "year")[:50_000])
    searches = [f"/factors/?category={parents[c]}&region={r}&year={y}" for c, r, y in rng.sample(listed, 100)]
    return [
        Scenario(FIXED, ["/bench/fixed-page/"]),
        Scenario("search, 3 filters, worked out", searches, afresh=True),
        Scenario("search, 3 filters, from the cache", searches),
        Scenario("factor page, worked out", factors, afresh=True),
        Scenario("factor page, from the cache", factors),
    ]


def report(figures: dict[str, Figures], latency: dict[str, Figures]) -> list[str]:
    fixed = latency[FIXED].p50_ms
    lines = ["| page | requests/s | p50 ms | p99 ms | p50 / fixed page |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {name} | {figures[name].requests_per_s:,.0f} | {f.p50_ms:.1f} | {f.p99_ms:.1f} | "
              f"{f.p50_ms / fixed:.2f} |" for name, f in latency.items()]
    lines.append("")
    for name, target in TARGETS.items():
        ratio = latency[name].p50_ms / fixed
        lines.append(f"- {name} ≤ {target:g} × the fixed page (p50): {ratio:.2f} — "
                     f"{'met' if ratio <= target else 'NOT MET'}")
    return lines


def main() -> None:
    setup()
    # Production's static storage serves from the manifest collectstatic writes.
    from django.core.management import call_command
    call_command("collectstatic", interactive=False, verbosity=0)
    print("data:", ", ".join(f"{name} {n:,}" for name, n in data_shape().items()))
    plan = scenarios()
    measured = measure(plan, latency_of=[scenario.name for scenario in plan])
    publish([f"Machine: {machine()}.", f"{SECONDS} s a scenario over {CONNECTIONS} connections "
             "(throughput) and over one (latency).", "", *report(measured.figures, measured.latency)],
            "bench-pages")


if __name__ == "__main__":
    main()
