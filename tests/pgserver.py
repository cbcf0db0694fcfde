"""A throwaway PostgreSQL 15 server for tests and benchmarks: initdb and pg_ctl in a
temporary directory, listening on 127.0.0.1 on a free port (its socket in that directory
too), password authentication over TCP. PostgreSQL refuses to run as root, so as root
(CI) the server runs as the ``postgres`` user, which owns the directory."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

BIN = Path("/usr/lib/postgresql/15/bin")
USER = "okr"
PASSWORD = "pg-test-pass-7Qx"
DATABASE = "okr"


@dataclass
class Server:
    directory: Path
    port: int
    host: str = "127.0.0.1"

    def url(self, password: str = "${OKR_PG_PASSWORD}") -> str:
        """The URL a source writes, with the password from the environment."""
        return f"postgresql://{USER}:{password}@{self.host}:{self.port}/{DATABASE}"

    def dsn(self) -> str:
        return (
            f"host={self.host} port={self.port} user={USER} password={PASSWORD} dbname={DATABASE}"
        )

    def stop(self) -> None:
        _run([str(BIN / "pg_ctl"), "-D", str(self.directory / "data"), "-m", "immediate", "stop"])
        shutil.rmtree(self.directory, ignore_errors=True)


def available() -> str | None:
    """None when a server can be started here, else why not."""
    if not (BIN / "initdb").exists():
        return f"PostgreSQL 15 is not installed ({BIN} is missing; .ci/run installs it)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser to start PostgreSQL as postgres"
    return None


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start() -> Server:
    """A running server with database ``okr`` owned by user ``okr`` (password PASSWORD)."""
    directory = Path(tempfile.mkdtemp(prefix="okrctl-pg-"))
    (directory / "pw").write_text(PASSWORD + "\n", encoding="utf-8")
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
        shutil.chown(directory / "pw", "postgres")
    data = directory / "data"
    done = _run(
        [
            str(BIN / "initdb"),
            "-D",
            str(data),
            "-U",
            USER,
            f"--pwfile={directory / 'pw'}",
            "--auth-host=scram-sha-256",
            "--auth-local=trust",
            "-E",
            "UTF8",
            "--no-locale",
        ]
    )
    if done.returncode:
        raise RuntimeError(f"initdb failed: {done.stderr}")
    port = free_port()
    options = (
        f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off"
    )
    done = _run(
        [
            str(BIN / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(directory / "log"),
            "-o",
            options,
            "-w",
            "start",
        ]
    )
    if done.returncode:
        log = (
            (directory / "log").read_text(errors="replace") if (directory / "log").exists() else ""
        )
        raise RuntimeError(f"pg_ctl start failed: {done.stderr}{log}")
    server = Server(directory, port)
    import psycopg

    with psycopg.connect(
        f"host=127.0.0.1 port={port} user={USER} password={PASSWORD} dbname=postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f"CREATE DATABASE {DATABASE}")
    return server
