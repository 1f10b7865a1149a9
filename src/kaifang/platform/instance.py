"""A platform instance: a folder holding the framework and units it collects data for, its
settings (``instance.json``: the database URL) and its secret key (``secret.key``, generated at
init, readable by the owner only, never in the repository).

With no database URL the instance's database is ``platform.db`` (SQLite) in the folder.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from kaifang.errors import InputError, KaifangError, Problem
from kaifang.framework import Framework, load_framework
from kaifang.platform import accounts, migrate
from kaifang.platform.access import SYSTEM, Actor
from kaifang.platform.db import ALL, make_engine, session_factory, transaction
from kaifang.platform.models import Region, User
from kaifang.platform.scope import is_code, level

SETTINGS = "instance.json"
SECRET = "secret.key"
SQLITE_FILE = "platform.db"


@dataclass
class Platform:
    """An open instance: its engine, session factory, secret key and framework."""

    folder: Path
    engine: Engine
    factory: sessionmaker[Session]
    secret: str
    framework: Framework
    simulated: bool = False
    reader: sessionmaker[Session] | None = None

    @classmethod
    def open(cls, folder: Path | str, database: str | None = None) -> Platform:
        """Open an initialised instance; ``database`` overrides the URL in its settings (the
        server connects as the non-owner application role on PostgreSQL)."""
        folder = Path(folder)
        settings_path = folder / SETTINGS
        if not settings_path.is_file():
            raise KaifangError(
                f"{folder}: not a platform instance (no {SETTINGS}); "
                f"create one with `kaifang platform init {folder}`"
            )
        settings = json.loads(settings_path.read_text(encoding="utf-8"))
        secret = (folder / SECRET).read_text(encoding="utf-8").strip()
        url = database or settings.get("database") or str(folder / SQLITE_FILE)
        engine = make_engine(url)
        reader = make_engine(url, immediate=False) if engine.dialect.name == "sqlite" else None
        framework = load_framework(folder / "framework.yaml")
        return cls(
            folder,
            engine,
            session_factory(engine),
            secret,
            framework,
            bool(settings.get("simulated", False)),
            session_factory(reader) if reader is not None else None,
        )

    def tx(self, actor: Actor = SYSTEM) -> AbstractContextManager[Session]:
        """A transaction that may write (SQLite: writers queue for the one write lock)."""
        return transaction(self.factory, actor.db_scope, actor.role == "admin")

    def read(self, actor: Actor = SYSTEM) -> AbstractContextManager[Session]:
        """A read-only transaction (SQLite: never waits for writers, thanks to WAL)."""
        return transaction(self.reader or self.factory, actor.db_scope, actor.role == "admin")

    @property
    def reads_may_write(self) -> bool:
        """Whether a read transaction may also write: on PostgreSQL, where readers and writers do
        not wait for each other and both run on one engine. Not on SQLite, whose reads begin on
        an engine of their own that never takes the one write lock (writers queue for it)."""
        return self.reader is None

    def read_unscoped(self) -> AbstractContextManager[Session]:
        """A read-only transaction with no scope set yet (``db.transaction`` with no scope): for
        reading the tables without regions, then binding a user's scope in the same
        transaction."""
        return transaction(self.reader or self.factory, None)

    def close(self) -> None:
        self.engine.dispose()
        if self.reader is not None:
            bind = self.reader.kw.get("bind")
            if bind is not None:
                bind.dispose()


def _regions(units_path: Path) -> list[Region]:
    from kaifang.data import read_units

    units = read_units(units_path)
    problems = []
    regions: dict[str, Region] = {}
    for row in units.itertuples():
        code = str(row.code)
        if not is_code(code):
            problems.append(
                Problem(str(units_path), f"code {code!r} is not a six-digit GB/T 2260 code")
            )
            continue
        regions[code] = Region(
            code=code,
            name_zh=str(row.name_zh),
            name_en=str(row.name_en),
            level=level(code),
            parent=str(row.parent) or None,
        )
    if problems:
        raise InputError(problems)
    for region in list(regions.values()):
        parent = region.parent
        if parent and parent not in regions and is_code(parent):
            regions[parent] = Region(
                code=parent, name_zh=parent, name_en=parent, level=level(parent), parent=None
            )
    return list(regions.values())


def init_instance(
    folder: Path,
    framework_path: Path,
    units_path: Path,
    *,
    admin: str,
    password: str,
    database: str | None = None,
    simulated: bool = False,
) -> Platform:
    """Create an instance: copy framework and units, write settings and a new secret key,
    migrate the database, load the regions and create the first administrator.

    The folder must not exist or be empty. Nothing is left behind when a step fails.
    """
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise KaifangError(f"{folder}: the folder exists and is not empty")
    load_framework(framework_path)  # refuse a bad framework before anything is written
    regions = _regions(units_path)
    accounts.check_password(password)
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copyfile(framework_path, folder / "framework.yaml")
        shutil.copyfile(units_path, folder / "units.csv")
        secret_path = folder / SECRET
        fd = os.open(secret_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
        settings = {"database": database, "simulated": simulated}
        (folder / SETTINGS).write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
        platform = Platform.open(folder)
        migrate.upgrade(platform.engine)
        top = sorted(
            {
                r.code
                for r in regions
                if r.parent is None or r.parent not in {x.code for x in regions}
            }
        )
        with transaction(platform.factory, ALL) as session:
            session.add_all(regions)
            session.flush()
            accounts.create_user(
                session,
                SYSTEM,
                username=admin,
                display_name=admin,
                password=password,
                role="admin",
                scope=top,
            )
        return platform
    except BaseException:
        if created:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            for child in folder.iterdir():
                if child.is_dir():
                    shutil.rmtree(child)
                else:
                    child.unlink()
        raise


def first_admin(session: Session) -> User | None:
    return session.scalar(select(User).where(User.role == "admin").order_by(User.id))
