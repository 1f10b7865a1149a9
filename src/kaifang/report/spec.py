"""The ``report:`` block of an assessment config: what reports and the dashboard draw.

```yaml
report:
  geojson: geo/guizhou_prefectures_simplified.geojson   # relative to the config file
  id_property: adcode        # the feature property holding the unit code of units.csv
  name_property: name        # optional: a property with a display name
  sensitivity_samples: 200   # runs of the uncertainty analysis kaifang assess adds (0 = skip)
```
The geometry is configuration, never hard-coded: a government user swaps in the approved
standard map (审图号) without touching code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from kaifang.assessment.config import config_block


class ReportSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    geojson: str | None = None
    id_property: str = "adcode"
    name_property: str | None = None
    # the report's uncertainty analysis (when the config has a sensitivity: block): a modest N
    # keeps kaifang assess fast; 0 skips it
    sensitivity_samples: Annotated[int, Field(ge=0)] = 200


def report_spec(config_path: Path | str) -> ReportSpec:
    """The validated ``report:`` block (defaults when absent)."""
    return config_block(Path(config_path), "report", ReportSpec) or ReportSpec()


def geojson_path(config_path: Path | str, spec: ReportSpec) -> Path | None:
    """Where the map geometry is, resolved against the config's folder."""
    if spec.geojson is None:
        return None
    path = Path(spec.geojson)
    return path if path.is_absolute() else Path(config_path).parent / path
