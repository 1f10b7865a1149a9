"""The value history's indexes, as migrated on both databases: the model and the migrations
agree, and (submission, indicator, version) is indexed once, by its unique constraint."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from kaifang.platform.instance import Platform
from kaifang.platform.models import Base


def test_value_versions_has_one_index_per_column_list(platform: Platform, backend: str) -> None:
    owner = Platform.open(platform.folder) if backend == "postgresql" else platform
    try:
        with owner.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            found = inspect(conn)
            indexes = [tuple(i["column_names"]) for i in found.get_indexes("value_versions")]
            uniques = [
                tuple(u["column_names"]) for u in found.get_unique_constraints("value_versions")
            ]
    finally:
        if owner is not platform:
            owner.close()
    assert [d for d in diff if "value_versions" in repr(d)] == []
    key = ("submission_id", "indicator", "version")
    assert uniques == [key]
    # PostgreSQL lists the constraint's own index among the indexes, SQLite does not
    assert indexes.count(key) == (1 if backend == "postgresql" else 0)
    assert ("region_code",) in indexes
