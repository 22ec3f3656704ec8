"""Configuration from options or environment variables named OPTIMISER_* (pydantic-settings)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from optimiser import SolveOptions


def hash_key(key: str) -> str:
    """API keys are kept only as SHA-256 hashes."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class Settings(BaseSettings):
    """Server settings, from OPTIMISER_* environment variables."""

    model_config = SettingsConfigDict(env_prefix="OPTIMISER_", frozen=True, extra="ignore")

    api_keys: Annotated[frozenset[str], NoDecode] = Field(
        default=frozenset(),
        description="Comma-separated API keys, each in clear or as sha256:<hex>; kept hashed.",
    )
    local_only: bool = Field(
        default=False, description="Serve without keys, bound to loopback only."
    )
    data_dir: Path = Field(default=Path("data"), description="Folder of the SQLite job store.")
    workers: int = Field(default_factory=lambda: os.cpu_count() or 2, ge=1, le=256)
    max_queued: int = Field(default=100, ge=1, description="Queued jobs beyond which: 429.")
    sync_time_limit_seconds: float = Field(default=10.0, gt=0, description="Cap for /solve.")
    sync_workers: int = Field(
        default=1, ge=1, le=64, description="Worker processes kept for synchronous solves."
    )
    sync_max_queued: int = Field(
        default=4, ge=1, description="Synchronous solves waiting beyond which: 429."
    )
    sync_queue_seconds: float = Field(
        default=30.0,
        gt=0,
        description="A synchronous solve no worker took by then is answered 503 (the server "
        "is busy, or its solvers are not running).",
    )
    sync_max_size: int = Field(
        default=5000,
        ge=1,
        description="Referrals (placements) or functions (staffing) beyond which a synchronous "
        "solve is refused with 413 pointing to /v1/jobs.",
    )
    sync_max_body_bytes: int = Field(
        default=4 * 1024 * 1024, ge=1024, description="Body limit of the synchronous routes."
    )
    job_time_limit_seconds: float = Field(default=600.0, gt=0, description="Cap for a job.")
    watchdog_grace_seconds: float = Field(
        default=1.0,
        ge=0,
        description="A job is stopped this long past its limit (plus its measured start-up).",
    )
    standby_workers: bool = Field(
        default=True,
        description="Keep every worker process started, the engine loaded, so that a job "
        "starts at once (else workers start as jobs arrive).",
    )
    jobs_per_worker: int = Field(
        default=50, ge=1, description="Jobs a worker process runs before it is replaced."
    )
    start_timeout_seconds: float = Field(
        default=60.0, gt=0, description="A worker that is not up by then is stopped."
    )
    max_attempts: int = Field(
        default=2,
        ge=1,
        le=10,
        description="Attempts of a job whose worker died (a run the server's restart or stop "
        "ended, or whose worker did not start, uses none).",
    )
    max_interruptions: int = Field(
        default=20,
        ge=0,
        le=1000,
        description="Runs of a job that a server restart or stop (or a worker that did not "
        "start) may end before the job fails: they use none of its attempts, and this bound "
        "stops a job that itself brings the server down from looping forever.",
    )
    solver_threads: int | None = Field(
        default=None,
        ge=1,
        le=256,
        description="Threads of every solve in a worker process, fixed when it starts (HiGHS "
        "keeps one thread pool per process); unset: the solvers' own default.",
    )
    max_body_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    retention_days: float = Field(default=7.0, gt=0)
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()
    page_size: int = Field(default=50, ge=1, le=1000)
    session_secret: str | None = Field(
        default=None,
        description="Signs the planner's session cookie; generated once per data folder if unset.",
    )
    instances_dir: Path = Field(
        default=Path(__file__).resolve().parent.parent / "instances",
        description="Folder of the bundled instances served at /v1/instances.",
    )

    @field_validator("api_keys", mode="before")
    @classmethod
    def _hash_keys(cls, value: object) -> frozenset[str]:
        if isinstance(value, str):
            value = [k for k in value.split(",") if k.strip()]
        keys = [str(k).strip() for k in value or []]  # type: ignore[attr-defined]
        return frozenset(k.removeprefix("sha256:") if _is_hash(k) else hash_key(k) for k in keys)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split(cls, value: object) -> tuple[str, ...]:
        if isinstance(value, str):
            return tuple(o.strip() for o in value.split(",") if o.strip())
        return tuple(value or ())  # type: ignore[arg-type]

    @property
    def db_path(self) -> Path:
        """The SQLite file of jobs."""
        return self.data_dir / "jobs.sqlite3"

    def capped(self, options: SolveOptions, *, sync: bool) -> SolveOptions:
        """The caller's options with the time limit capped by configuration."""
        cap = self.sync_time_limit_seconds if sync else self.job_time_limit_seconds
        wanted = options.time_limit_seconds or cap
        return options.model_copy(update={"time_limit_seconds": min(wanted, cap)})


def _is_hash(key: str) -> bool:
    return key.startswith("sha256:")
