"""Kazakhstan–China trade by HS sector 2015–2024 and its exposure to the Brent price.

Writes to analyses/output/products/: composition.csv, fuels_metals.csv, brent_elasticities.csv
(90% intervals), brent_scenarios.csv (Brent 50/80/110), composition_exports.png and composition_imports.png.
Run: ``python analyses/products.py``.
"""

from pathlib import Path

import pandas as pd

from kzecon.report import figures
from kzecon.report.output import Output
from kzecon.study import products

OUT = Path(__file__).resolve().parent / "output" / "products"


def main() -> None:
    with Output(OUT) as dest:
        comp = products.composition()
        comp.to_csv(dest.path("composition.csv"), index=False, lineterminator="\n")
        fm = products.fuels_metals_share(comp)
        fm.to_csv(dest.path("fuels_metals.csv"), index=False, lineterminator="\n")
        fits = [products.brent_exposure(o) for o in products.OUTCOMES]
        pd.concat([f.to_frame(level=0.90) for f in fits]).to_csv(dest.path("brent_elasticities.csv"), index=False,
                                                                 lineterminator="\n")
        pd.concat([products.brent_scenarios(f) for f in fits]).to_csv(dest.path("brent_scenarios.csv"), index=False,
                                                                     lineterminator="\n")
        for flow in ("export", "import"):
            figures.save(figures.sector_composition(comp, flow=flow), dest.path(f"composition_{flow}s.png"))
        for f in fits:
            print(f.summary(), "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
