"""A case: one directory holding a target's configuration, database, signing key and exports.

Layout::

    my-case/
      rempart.toml    targets and settings
      case.db         SQLite (WAL): evidence log, raw records, messages, accounts, rejects
      keys/           the case's Ed25519 key that signs the heads of its evidence Merkle tree
      exports/        what rempart writes for people (dossiers, bundles)

Example::

    case = Case.create(Path("my-case"), targets=["@alice"])
    case = Case.open(find_case_path(None))
"""

from __future__ import annotations

import json
import os
import stat
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..clock import Clock, SystemClock
from ..errors import CaseError
from ..evidence.transparency import KEYS_DIR, create_case_key
from ..models import JSONObject, json_list
from ..settings import resolve
from ..storage import SQLiteStore, Store

CONFIG_NAME = "rempart.toml"
DB_NAME = "case.db"
DEFAULT_CASE_DIR = "rempart-case"


def find_case_path(explicit: str | Path | None) -> Path:
    """``--case PATH``, else ``$REMPART_CASE``, else ``./rempart-case``."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("REMPART_CASE")
    if env:
        return Path(env)
    return Path.cwd() / DEFAULT_CASE_DIR


def normalise_target(handle: str) -> str:
    """Targets are kept as given, trimmed; a bare handle gets its ``@``."""
    h = handle.strip()
    if not h:
        raise CaseError("a target handle cannot be empty")
    if not h.startswith("@") and ":" not in h and "+" not in h[:1]:
        h = "@" + h
    return h


@dataclass
class Case:
    """An open case: its directory, configuration, store and clock."""

    path: Path
    config: dict[str, JSONObject]
    store: Store
    clock: Clock = field(default_factory=SystemClock)
    #: Who acts, when an interface knows better than the settings (the web workspace's signed-in
    #: user): the ``operator`` setting, which custody entries record, becomes this.
    operator: str | None = None

    @property
    def targets(self) -> list[str]:
        return [str(t) for t in json_list(self.config.get("case", {}).get("targets"))]

    @property
    def settings(self) -> dict[str, Any]:
        flags = {"operator": self.operator} if self.operator else None
        return resolve(self.config.get("settings", {}), os.environ, flags)

    @classmethod
    def create(
        cls,
        path: Path | str,
        targets: list[str],
        name: str | None = None,
        clock: Clock | None = None,
    ) -> Case:
        """Create a new case directory; refuses to overwrite an existing case."""
        if not targets:
            raise CaseError("a case needs at least one target: pass --target HANDLE")
        if not str(path).strip():
            raise CaseError(
                "the case folder cannot be empty: give a PATH, e.g. `rempart init "
                "my-case --target @alice`"
            )
        path = Path(path)
        if (path / CONFIG_NAME).exists():
            raise CaseError(f"{path}: a case already exists here; use another PATH")
        try:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(path, 0o700)  # an existing empty folder too: a case is private to its user
            (path / "exports").mkdir(mode=0o700, exist_ok=True)
            (path / KEYS_DIR).mkdir(mode=0o700, exist_ok=True)
            # the database is created private; SQLite gives its -wal and -shm files its mode
            os.close(os.open(path / DB_NAME, os.O_WRONLY | os.O_CREAT, 0o600))
        except OSError as exc:
            raise CaseError(f"{path}: cannot create the case directory ({exc.strerror})") from exc
        created = datetime.now(UTC).replace(microsecond=0)
        config = {
            "case": {
                "name": name or path.resolve().name,
                "created_at": created.isoformat(),
                "targets": [normalise_target(t) for t in targets],
            },
            "settings": {},
        }
        (path / CONFIG_NAME).write_text(dump_toml(config), encoding="utf-8")
        case = cls.open(path, clock=clock)
        # the key signs the empty tree at once: a case with a key always has a signed head
        create_case_key(path, case.store, created)
        return case

    @classmethod
    def open(cls, path: Path, clock: Clock | None = None) -> Case:
        """Open an existing case, applying pending schema migrations."""
        path = Path(path)
        config_path = path / CONFIG_NAME
        if not config_path.exists():
            raise CaseError(
                f"{path}: no case here; create one with `rempart init {path} --target HANDLE` "
                "or point to it with --case PATH or $REMPART_CASE"
            )
        try:
            config = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise CaseError(f"{config_path}: invalid configuration ({exc})") from exc
        make_private(path)
        store = SQLiteStore(path / DB_NAME)
        make_private(path)  # the -wal and -shm files SQLite may just have made
        return cls(path, config, store, clock or SystemClock())

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Case:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


#: What only the case's user may read or write: the folder and its sub-folders (0700), the
#: database with its WAL files (0600). The private key is made 0600 when created.
PRIVATE_DIRS = ("", "exports", KEYS_DIR)
PRIVATE_FILES = (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", DB_NAME + "-journal")


def make_private(path: Path) -> None:
    """Tighten an existing case to its user: folders 0700, database files 0600.

    Best effort (a case on read-only media, or owned by someone else, is opened as it is);
    never loosens a mode.
    """
    for name, private in [(d, 0o700) for d in PRIVATE_DIRS] + [(f, 0o600) for f in PRIVATE_FILES]:
        target = path / name if name else path
        try:
            mode = stat.S_IMODE(os.lstat(target).st_mode)
            if stat.S_ISLNK(os.lstat(target).st_mode) or not mode & 0o077:
                continue
            os.chmod(target, mode & private)
        except OSError:
            continue


def dump_toml(data: dict[str, Any]) -> str:
    """Write the small subset of TOML a case config uses (tables of scalars and lists)."""
    lines: list[str] = []
    for table, values in data.items():
        lines.append(f"[{table}]")
        for key, value in values.items():
            lines.append(f"{key} = {_toml_value(value)}")
        lines.append("")
    return "\n".join(lines)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)
