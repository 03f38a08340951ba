"""Rebuild every bundled dataset from ../shared/data/raw.

Usage: ``python data/build/build_all.py [--raw DIR] [--out DIR] [--only FOLDER ...]``

Every folder listed in the raw README's source table must have a builder in ``sources.py``;
a listed folder without one is an error, so that a newly added source cannot be missed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import OUT, RAW_DEFAULT, raw_sources, update_manifest, write_table  # noqa: E402
from sources import BUILDERS  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", type=Path, default=RAW_DEFAULT)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--only", nargs="*", default=None, help="raw folders to build (default: all)")
    args = ap.parse_args(argv)
    listed = raw_sources(args.raw)
    missing = [f for f in listed if f not in BUILDERS]
    if missing:
        print(f"error: raw sources without a builder: {', '.join(missing)}", file=sys.stderr)
        return 1
    folders = args.only or listed
    for folder in folders:
        entries = {}
        for name, (df, sort, meta) in BUILDERS[folder](args.raw).items():
            path = write_table(df, args.out, name, sort)
            entries[name] = {"file": path.name, "rows": int(len(df)), "raw_source": folder, **meta}
            print(f"{name:28s} {len(df):>9,d} rows  -> {path.name}")
        update_manifest(args.out, entries)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
