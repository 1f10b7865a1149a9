"""Alembic environment: runs the migrations on the connection the caller passes in
(``kaifang.platform.migrate``), or on ``sqlalchemy.url`` from the Alembic config."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

import kaifang.platform.ledger.models  # noqa: F401 (registers the ledger's tables)
from kaifang.platform.models import Base
from kaifang.platform.rule_models import IndicatorRule  # noqa: F401 (completes the metadata)

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section) or {},
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run()
