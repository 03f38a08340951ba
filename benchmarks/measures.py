"""Time the data layer and the measures on the bundled data (run by hand: python benchmarks/measures.py).

Records median wall time of 5 runs for: hash-checked load of the spliced trade series, partner
shares for all flows, concentration, and the whole `kzecon measures` computation.
"""

import statistics
import time
import warnings

import kzecon
from kzecon import measures


def timeit(fn, n=5):
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


def main():
    warnings.simplefilter("ignore")
    t = kzecon.data.load_trade("spliced")
    rows = [
        ("load_trade('spliced') (5 sources, hash check cached)", timeit(lambda: kzecon.data.load_trade("spliced"))),
        ("partner_shares(flow='all')", timeit(lambda: measures.partner_shares(t, flow="all"))),
        ("concentration(flow='all')", timeit(lambda: measures.concentration(t, flow="all"))),
        ("load_gravity('penppml') 316k rows", timeit(lambda: kzecon.data.load_gravity("penppml"), n=3)),
    ]
    for name, sec in rows:
        print(f"| {name} | {sec * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
