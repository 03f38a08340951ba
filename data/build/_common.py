"""Shared helpers of the data build: deterministic writers, the manifest, COW and ISO crosswalks.

Every bundled file is written by :func:`write_table`, which fixes column order, row order, float
formatting and (for .gz) the gzip header time, so that a rebuild from the same raw files gives the
same bytes and hence the same SHA-256 as in the manifest.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
OUT = REPO / "kzecon" / "data" / "bundled"
RAW_DEFAULT = REPO.parent / "shared" / "data" / "raw"

# Files larger than this (uncompressed) are written gzip-compressed.
GZIP_ABOVE_BYTES = 1_000_000


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_table(df: pd.DataFrame, out_dir: Path, name: str, sort: list[str]) -> Path:
    """Write ``df`` as ``name.csv`` (or ``name.csv.gz`` when large), byte-for-byte reproducibly."""
    df = df.sort_values(sort, kind="mergesort").reset_index(drop=True)
    text = df.to_csv(index=False, lineterminator="\n")  # floats as shortest round-trip repr
    data = text.encode("utf-8")
    out_dir.mkdir(parents=True, exist_ok=True)
    if len(data) > GZIP_ABOVE_BYTES:
        path = out_dir / f"{name}.csv.gz"
        buf = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
            gz.write(data)
        path.write_bytes(buf.getvalue())
    else:
        path = out_dir / f"{name}.csv"
        path.write_bytes(data)
    for stale in (out_dir / f"{name}.csv", out_dir / f"{name}.csv.gz"):
        if stale != path and stale.exists():
            stale.unlink()
    return path


def update_manifest(out_dir: Path, entries: dict[str, dict]) -> Path:
    """Merge ``entries`` (dataset name -> {file, rows, raw_source}) into manifest.json with hashes."""
    path = out_dir / "manifest.json"
    manifest = json.loads(path.read_text()) if path.exists() else {}
    for name, entry in entries.items():
        entry = dict(entry)
        entry["sha256"] = sha256_of(out_dir / entry["file"])
        manifest[name] = entry
    path.write_text(json.dumps(dict(sorted(manifest.items())), indent=1, sort_keys=True) + "\n")
    return path


# --- country codes ---------------------------------------------------------------------------

# COW state numbers that the countrycode crosswalk leaves empty but that trade with Kazakhstan
# after 1991.  Source: Correlates of War Project, "State System Membership List v2016"
# (COW 345 = Yugoslavia/Serbia, continued by Serbia in 2006; COW 347 = Kosovo, 2008–;
# COW 315 = Czechoslovakia, to 1992, ISO 3166-3 former code CSK).
COW_SUPPLEMENT = {345: "SRB", 347: "XKX", 315: "CSK"}


def cow_to_iso3(codes) -> dict[int, str]:
    """Map COW numeric codes to ISO-3 with the countrycode crosswalk (+ the supplement above)."""
    from countrycode import countrycode

    uniq = sorted({int(c) for c in codes})
    iso = countrycode(uniq, origin="cown", destination="iso3c")
    out = {}
    for c, i in zip(uniq, iso, strict=True):
        out[c] = i if i is not None else COW_SUPPLEMENT.get(c)
    return out


def raw_sources(raw: Path) -> list[str]:
    """Folders listed in the first table of shared/data/raw/README.md, in order."""
    names = []
    for line in (raw / "README.md").read_text().splitlines():
        if line.startswith("| ") and not line.startswith(("| folder", "|---", "| year")):
            cell = line.split("|")[1].strip()
            if cell and (raw / cell).is_dir():
                names.append(cell)
    return names
