"""Backups of the whole platform: one PostgreSQL dump holds everything, the sealed releases'
files included (they are rows: ReleaseContent, ReleasePackage), so nothing lives beside it.

`pg_dump --format=custom` writes a consistent snapshot while the platform runs; a SHA-256
file beside each dump lets a restore refuse a damaged copy before it touches a database. A
restore goes into an empty database only, unless the operator says to replace what is there:
a restore aimed at the wrong database must not overwrite it.
"""

import hashlib
import os
import re
import subprocess
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from django.db import connections

DUMP_NAME = re.compile(r"^factordb-\d{8}T\d{6}Z\.dump$")


class BackupError(Exception):
    """A backup or restore that could not be done; nothing was changed."""


@dataclass(frozen=True)
class Target:
    """Where pg_dump and pg_restore connect: a database's settings, as libpq's options."""

    name: str
    host: str
    port: str
    user: str
    password: str

    @classmethod
    def of(cls, alias: str = "default") -> "Target":
        settings = connections[alias].settings_dict
        if connections[alias].vendor != "postgresql":
            raise BackupError("备份与恢复需要 PostgreSQL；嵌入式 SQLite 是一个文件，复制 var/db.sqlite3 即可")
        return cls(name=settings["NAME"], host=settings.get("HOST") or "",
                   port=str(settings.get("PORT") or ""), user=settings.get("USER") or "",
                   password=settings.get("PASSWORD") or "")

    def renamed(self, name: str) -> "Target":
        return replace(self, name=name)

    def options(self) -> list[str]:
        given = {"--host": self.host, "--port": self.port, "--username": self.user}
        return [f"{option}={value}" for option, value in given.items() if value] + [f"--dbname={self.name}"]

    def environment(self) -> dict[str, str]:
        # The password goes through the environment, never the command line (`ps` shows that).
        return {**os.environ, **({"PGPASSWORD": self.password} if self.password else {})}


def backup(folder: Path, *, target: Target | None = None, keep: int | None = None) -> Path:
    """A dump of the database in `folder` (factordb-<UTC time>.dump and its .sha256); with
    `keep`, the oldest dumps of this naming beyond that many are removed afterwards."""
    target = target or Target.of()
    folder.mkdir(parents=True, exist_ok=True)
    dump = folder / f"factordb-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.dump"
    if dump.exists():
        raise BackupError(f"{dump} 已存在：同一秒内不再备份一次")
    partial = dump.with_suffix(".partial")
    try:
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}",
              *target.options()], target)
    except BackupError:
        partial.unlink(missing_ok=True)  # half a dump is no backup
        raise
    partial.rename(dump)  # a dump is only ever seen whole
    checksum_file(dump).write_text(f"{sha256_of(dump)}  {dump.name}\n")
    if keep is not None:
        prune(folder, keep)
    return dump


def restore(dump: Path, *, target: Target | None = None, replace: bool = False) -> None:
    """Restores `dump` into the target database, which must hold no table unless `replace`."""
    target = target or Target.of()
    verify(dump)
    if not replace and _tables(target):
        raise BackupError(f"数据库 {target.name} 不是空的；恢复只写入空数据库（确需替换时请明确要求）")
    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          *(["--clean", "--if-exists"] if replace else []), *target.options(), str(dump)], target)


def verify(dump: Path) -> None:
    """Refuses a dump that is missing, lacks its checksum, or does not match it."""
    if not dump.is_file():
        raise BackupError(f"没有备份文件 {dump}")
    recorded = checksum_file(dump)
    if not recorded.is_file():
        raise BackupError(f"{dump.name} 缺少校验文件 {recorded.name}")
    expected, *_name = recorded.read_text().split() or [""]
    if sha256_of(dump) != expected:
        raise BackupError(f"{dump.name} 与其 SHA-256 不符：文件已损坏或被改动，未恢复")


def prune(folder: Path, keep: int) -> list[Path]:
    """Removes the oldest dumps named as `backup` names them beyond the newest `keep`."""
    if keep < 1:
        raise BackupError("至少保留 1 份备份")
    dumps = sorted(path for path in folder.iterdir() if DUMP_NAME.match(path.name))
    removed = dumps[:-keep]
    for dump in removed:
        dump.unlink()
        checksum_file(dump).unlink(missing_ok=True)
    return removed


def checksum_file(dump: Path) -> Path:
    return dump.with_name(dump.name + ".sha256")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tables(target: Target) -> list[str]:
    listed = _run(["psql", "--no-psqlrc", "--tuples-only", "--no-align", *target.options(), "--command",
                   "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"], target)
    return [line for line in listed.splitlines() if line.strip()]


def _run(command: list[str], target: Target) -> str:
    try:
        done = subprocess.run(command, env=target.environment(), capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(f"找不到 {command[0]}：请安装 PostgreSQL 客户端（postgresql-client）") from exc
    if done.returncode != 0:
        raise BackupError(f"{command[0]} 失败（{done.returncode}）：{done.stderr.strip()[-2000:]}")
    return done.stdout
