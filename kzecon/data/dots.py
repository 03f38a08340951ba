"""The annual world gravity panel from IMF DOTS: both reporting sides, the preferred flow, covariates, RTAs.

The bundled file (``gravity_dots``, built by ``data/build``) holds, for every ordered pair of the 202 countries that
report in every year 2000–2020, the exporter's reported exports (FOB) and the importer's reported imports (CIF) in
USD million as published, the IMF-estimate flags and ``flow_source``, the build's choice of side for the preferred
flow (known defects of the workbooks handled there). Here the choice becomes numbers:

* ``flow`` (preferred, US dollars, FOB basis) = importer-reported / 1.10 where ``flow_source == "importer"`` (the
  IMF's CIF/FOB convention), the exporter's report where ``"exporter"`` or ``"exporter_known_defect"``, 0 where
  ``"none"`` (neither country lists the other);
* ``flow_exporter_reported``, ``flow_importer_reported``: each side as reported (US dollars; 0 where that side does
  not list the partner), for estimates on one side only;
* CEPII GeoDist ``dist``, ``distw``, ``contig``, ``lang``, ``colony`` by country pair;
* ``rta``: a trade agreement in force between the two, from penppml's agreement table (World Bank Deep Trade
  Agreements) at the latest of its years 2000, 2004, …, 2016 not after the year — an agreement that entered into
  force between two of those years switches on up to three years late, and agreements after 2016 are not known
  here (the 2016 status is carried to 2020); ``rta_year`` says which penppml year was used.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from . import _store
from ._store import describe, read_bundled
from .countries import FORMER_ISO3

CIF_FOB_FACTOR = 1.10  # IMF DOTS convention: CIF import values ≈ 1.10 × FOB export values
PENPPML_YEARS = (2000, 2004, 2008, 2012, 2016)


def _rta_from_penppml(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    pen = read_bundled("gravity_penppml")
    pen = pen[pen["year"].isin(PENPPML_YEARS)]
    # an agreement binds both directions: in force for the pair if either direction's row says so
    a = pen[["exporter", "importer", "year", "rta"]]
    b = a.rename(columns={"exporter": "importer", "importer": "exporter"})
    rta = pd.concat([a, b]).groupby(["exporter", "importer", "year"])["rta"].max()
    ry = np.select([frame["year"] >= y for y in reversed(PENPPML_YEARS)], list(reversed(PENPPML_YEARS)), 0)
    idx = pd.MultiIndex.from_arrays([frame["exporter"], frame["importer"], ry])
    return rta.reindex(idx).fillna(0).astype("int64").to_numpy(), ry


SOURCES = ("gravity_dots", "cepii_dist", "gravity_penppml")  # the bundled datasets the panel is built from


def load_gravity_dots() -> pd.DataFrame:
    """The DOTS gravity panel 2000–2020 with the preferred flow, both sides, covariates and RTAs (see module).

    Built once a process (the brief reads it for the GDP elasticity and the decomposition) and returned as a copy,
    so callers may change what they get; every call records :data:`SOURCES` as read."""
    _store.mark_read(*SOURCES)
    return _built().copy()


@lru_cache(maxsize=1)
def _built() -> pd.DataFrame:
    g = read_bundled("gravity_dots")
    ex = g["exporter_reported_musd"].to_numpy(dtype=float) * 1e6
    im = g["importer_reported_musd"].to_numpy(dtype=float) * 1e6
    src = g["flow_source"].to_numpy()
    flow = np.select([src == "importer", np.isin(src, ["exporter", "exporter_known_defect"])],
                     [im / CIF_FOB_FACTOR, ex], 0.0)
    cols = {"exporter": g["exporter"].to_numpy(), "importer": g["importer"].to_numpy(), "year": g["year"].to_numpy(),
            "flow": flow, "flow_exporter_reported": np.nan_to_num(ex), "flow_importer_reported": np.nan_to_num(im),
            "flow_source": src, "exporter_estimated": g["exporter_estimated"].to_numpy(),
            "importer_estimated": g["importer_estimated"].to_numpy()}
    cep = read_bundled("cepii_dist")[["exporter", "importer", "dist", "distw", "contig", "comlang_off", "colony"]]
    cep = cep.rename(columns={"comlang_off": "lang"})
    for c in ("exporter", "importer"):  # CEPII keeps some former codes (ROM, ZAR, TMP)
        cep[c] = cep[c].replace(FORMER_ISO3)
    cep = cep.drop_duplicates(["exporter", "importer"])
    # a left join on the pair (pandas' merge copies every column of the panel: half the build's time)
    at = pd.MultiIndex.from_frame(cep[["exporter", "importer"]]).get_indexer(
        pd.MultiIndex.from_arrays([cols["exporter"], cols["importer"]]))
    found = at >= 0
    for c in ("dist", "distw", "contig", "lang", "colony"):
        v = cep[c].to_numpy()
        cols[c] = v[at] if found.all() else np.where(found, v[np.where(found, at, 0)].astype(float), np.nan)
    out = pd.DataFrame(cols, index=pd.RangeIndex(len(g)))
    out["rta"], out["rta_year"] = _rta_from_penppml(out)
    out.attrs.update(dataset="gravity_dots", sha256=describe("gravity_dots").sha256,
                     units="flow columns: current US dollars", cif_fob=CIF_FOB_FACTOR)
    return out
