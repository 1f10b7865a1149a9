"""Reading published values from a platform database (the store the platform writes).

The platform's tables are the contract here: a value is the newest version of a
``value_versions`` row whose submission is ``published``. Only SQL is shared, so this reader sits
in the data layer and needs nothing from the platform package.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Connection, create_engine, text
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


# what the published values of a period depend on: which submissions are published, and
# their newest value version (a published submission is locked, so the latter is a safeguard)
PUBLICATION = """
SELECT s.id AS submission, s.revision AS revision, max(v.id) AS last_version
FROM submissions s
JOIN periods p ON p.id = s.period_id
LEFT JOIN value_versions v ON v.submission_id = s.id
WHERE s.state = 'published' AND p.year <= :year
GROUP BY s.id, s.revision
ORDER BY s.id
"""


@contextmanager
def _published_period(
    database: str, period: str, base: Path, where: str
) -> Iterator[tuple[Connection, int]]:
    """A connection to the platform database and the year of ``period``, which must be
    published; every failure is an ``InputError`` naming ``where``."""
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
            yield conn, int(found.year)
    except SQLAlchemyError as exc:
        raise InputError(
            [Problem(where, f"cannot read the platform database: {type(exc).__name__}")]
        ) from None
    finally:
        engine.dispose()


def publication_stamp(database: str, period: str, base: Path, where: str) -> str:
    """A short hash that changes whenever the values ``read_published`` would return may have
    changed: a submission published or unpublished, a new value version. It reads one row per
    published submission, not the values, so a server can ask for it every few seconds."""
    with _published_period(database, period, base, where) as (conn, year):
        rows = conn.execute(text(PUBLICATION), {"year": year}).all()
    digest = hashlib.sha256(f"{period}:{year}".encode())
    for row in rows:
        digest.update(f"|{row.submission},{row.revision},{row.last_version}".encode())
    return digest.hexdigest()[:32]


def read_published(
    database: str, period: str, base: Path, units: set[str], indicators: set[str], where: str
) -> pd.DataFrame:
    """Published values of every period up to ``period``'s year, in the readers' long form.

    ``database`` is a SQLAlchemy URL or a SQLite file (relative to ``base``); ``where`` names
    the config for messages. Regions and indicators the assessment does not know are errors,
    listed all at once.
    """
    label = f"database:{period}"
    with _published_period(database, period, base, where) as (conn, year):
        frame = pd.read_sql_query(text(PUBLISHED), conn, params={"year": year})
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
