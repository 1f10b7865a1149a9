"""Reading published values from a platform database (the store the platform writes).

The platform's tables are the contract here: a value is the newest version of a
``value_versions`` row whose submission is ``published``. Only SQL is shared, so this reader sits
in the data layer and needs nothing from the platform package.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from kaifang.data.readers import Origins, long_frame
from kaifang.errors import InputError, Problem

_URL = re.compile(r"^[a-z][a-z0-9+]*://")

PUBLISHED = """
SELECT s.region_code AS unit, p.year AS year, v.indicator AS indicator, v.value AS value
FROM value_versions v
JOIN submissions s ON s.id = v.submission_id
JOIN periods p ON p.id = s.period_id
JOIN (SELECT submission_id, indicator, max(version) AS version
      FROM value_versions GROUP BY submission_id, indicator) n
  ON n.submission_id = v.submission_id AND n.indicator = v.indicator AND n.version = v.version
WHERE s.state = 'published' AND p.year <= :year
ORDER BY p.year, s.region_code, v.indicator
"""


def _url(database: str, base: Path) -> str:
    if _URL.match(database):
        url = make_url(database)
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        return url.render_as_string(hide_password=False)
    path = Path(database)
    path = path if path.is_absolute() else base / path
    if not path.is_file():
        raise FileNotFoundError(path)
    return f"sqlite:///{path.resolve()}"


def read_published(
    database: str, period: str, base: Path, units: set[str], indicators: set[str], where: str
) -> pd.DataFrame:
    """Published values of every period up to ``period``'s year, in the readers' long form.

    ``database`` is a SQLAlchemy URL or a SQLite file (relative to ``base``); ``where`` names
    the config for messages. Regions and indicators the assessment does not know are errors,
    listed all at once.
    """
    label = f"database:{period}"
    try:
        engine = create_engine(_url(database, base))
    except FileNotFoundError as exc:
        raise InputError([Problem(where, f"platform database not found: {exc}")]) from None
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                # published data are readable in the whole scope (row-level security)
                conn.execute(text("SELECT set_config('kaifang.scope', '*', false)"))
            found = conn.execute(
                text("SELECT year, state FROM periods WHERE code = :code"), {"code": period}
            ).first()
            if found is None:
                raise InputError([Problem(where, f"no period {period!r} in the platform database")])
            if found.state != "published":
                raise InputError(
                    [Problem(where, f"period {period!r} is not published (state: {found.state})")]
                )
            frame = pd.read_sql_query(text(PUBLISHED), conn, params={"year": int(found.year)})
    except SQLAlchemyError as exc:
        raise InputError(
            [Problem(where, f"cannot read the platform database: {type(exc).__name__}")]
        ) from None
    finally:
        engine.dispose()
    problems = []
    unknown_units = sorted(set(frame["unit"]) - units)
    if unknown_units:
        problems.append(
            Problem(label, "regions not in the units table: " + ", ".join(unknown_units))
        )
    unknown = sorted(set(frame["indicator"]) - indicators)
    if unknown:
        problems.append(Problem(label, "indicators not in the framework: " + ", ".join(unknown)))
    if problems:
        raise InputError(problems)
    if frame.empty:
        raise InputError([Problem(where, f"period {period!r} has no published values")])
    rows = np.arange(1, len(frame) + 1, dtype=np.int64)
    return long_frame(
        frame["unit"].astype(str).to_numpy(),
        frame["year"].astype(np.int64).to_numpy(),
        frame["indicator"].astype(str).to_numpy(),
        frame["value"].to_numpy(dtype=np.float64, na_value=np.nan),
        Origins(label, rows, ["value"]),
    )
