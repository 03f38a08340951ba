"""Writes panel_a.csv (benchmark gravity panel a, seed 12345) for multiway_reference.R; not kept in the repository."""
import importlib.util
from pathlib import Path

here = Path(__file__).parent
spec = importlib.util.spec_from_file_location("gp", here.parent / "gravity" / "gravity_panels.py")
gp = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gp)
df, _ = gp.generate(*gp.SIZES["a"])
df.to_csv(here / "panel_a.csv", index=False)
