"""Plans run as jobs through the same route function, store and runner as /v1/jobs; a
scenario is a job with a name (and the run it was re-planned from)."""

from __future__ import annotations

import json
import logging
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from fastapi import HTTPException, Request, Response, UploadFile

from api.routes.instances import get_instance, list_instances
from api.routes.jobs import JobOptions, JobRequest, submit_job
from api.settings import Settings
from api.store import Job, JobStore
from api.web.errors import PageError
from optimiser import (
    PlacementInstance,
    PlacementSolution,
    StaffingInstance,
    StaffingSolution,
    load_instance,
    parse_instance,
)

log = logging.getLogger("api.web")

Instance = StaffingInstance | PlacementInstance
Solution = StaffingSolution | PlacementSolution
UPLOAD_SUFFIXES = (".xlsx", ".json")
V = TypeVar("V")


class QueueFullError(Exception):
    """The job queue is at its limit: the person is asked to try again shortly."""


@dataclass(frozen=True)
class Bundled:
    """A bundled instance as the pages list it."""

    name: str
    kind: str
    description: str


@dataclass(frozen=True)
class Scenario:
    """A job as a named scenario, with its instance and solution once read."""

    job: Job
    name: str
    parent: str | None
    instance: Instance | None
    solution: Solution | None


def store_of(request: Request) -> JobStore:
    """The server's job store."""
    store: JobStore = request.app.state.store
    return store


def settings_of(request: Request) -> Settings:
    """The server's settings."""
    settings: Settings = request.app.state.settings
    return settings


def bundled(request: Request, kind: str) -> list[Bundled]:
    """The bundled instances of one kind, as /v1/instances lists them."""
    return [
        Bundled(s.name, s.kind, s.description)
        for s in list_instances(settings_of(request))
        if s.kind == kind
    ]


def load_bundled(request: Request, name: str, kind: str) -> Instance:
    """A bundled instance of this kind by name (404 if there is none)."""
    if name not in {b.name for b in bundled(request, kind)}:
        raise PageError(404, "Instance not found", "There is no bundled instance of that name.")
    return parse_instance(get_instance(name, settings_of(request)))


def upload_suffix(upload: UploadFile) -> str | None:
    """.xlsx or .json, or None for any other file (or none chosen)."""
    suffix = Path(upload.filename or "").suffix.lower()
    return suffix if suffix in UPLOAD_SUFFIXES and upload.size != 0 else None


async def read_upload(upload: UploadFile, suffix: str) -> Instance:
    """An uploaded workbook (.xlsx) or JSON file, read by the engine's own loader (which
    raises InstanceError naming each bad sheet, row and column)."""
    data = await upload.read()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        return load_instance(path)


def plan(
    request: Request,
    owner: str,
    instance: Instance,
    name: str,
    parent: str | None,
    *,
    options: JobOptions | None = None,
) -> str:
    """Queue a plan exactly as POST /v1/jobs does; returns the job id. InstanceError when a
    check fails; QueueFullError when the queue is at its limit."""
    body = JobRequest(kind=instance.kind, instance=instance, options=options or JobOptions())
    try:
        status = submit_job(body, Response(), owner, settings_of(request), store_of(request))
    except HTTPException as exc:
        if exc.status_code == 429:
            raise QueueFullError from None
        raise
    store_of(request).set_scenario(status.id, name.strip()[:120] or instance.name, parent)
    return status.id


def options_of(request: Request, job_id: str) -> JobOptions:
    """The options a job was planned with (a re-plan keeps them)."""
    payload = store_of(request).payload(job_id)
    if payload is None:
        return JobOptions()
    chosen = json.loads(payload)["options"]
    return JobOptions(
        solver=chosen.get("solver"),
        time_limit_seconds=chosen.get("time_limit_seconds"),
        mip_gap=chosen.get("mip_gap", 1e-4),
        sensitivity=chosen.get("sensitivity", False),
    )


def mine(request: Request, owner: str, job_id: str) -> Job:
    """The owner's job (404 for another owner's job or a missing one)."""
    job = store_of(request).get(job_id, owner)
    if job is None:  # another key's job is as invisible as a missing one
        raise PageError(404, "Scenario not found", "There is no scenario with that address.")
    return job


def load(request: Request, owner: str, job_id: str, *, with_instance: bool = True) -> Scenario:
    """A scenario with its instance (names, levers) and its solution once there is one."""
    store = store_of(request)
    job = mine(request, owner, job_id)
    name, parent = store.scenarios(owner).get(job.id, (None, None))
    cached = _CACHE.get(job.id) if job.terminal else None
    if cached is None:
        cached = _read(store, job, with_instance=with_instance)
        if job.terminal and with_instance:
            _CACHE.put(job.id, cached)
    return Scenario(job, name or job.kind, parent, cached[0], cached[1])


def parent_of(request: Request, owner: str, scenario: Scenario) -> Scenario | None:
    """The scenario this one was re-planned from, while its owner still has it."""
    if scenario.parent is None or store_of(request).get(scenario.parent, owner) is None:
        return None
    parent = load(request, owner, scenario.parent)
    return parent if parent.solution is not None else None


def _read(
    store: JobStore, job: Job, *, with_instance: bool
) -> tuple[Instance | None, Solution | None]:
    instance = None
    if with_instance:
        payload = store.payload(job.id)
        if payload is not None:
            instance = parse_instance(json.loads(payload)["instance"])
    raw = store.result(job.id)
    solution: Solution | None = None
    if raw is not None:
        model = StaffingSolution if job.kind == "staffing" else PlacementSolution
        solution = model.model_validate_json(raw)
    return instance, solution


class Recent(Generic[V]):
    """The last few things worked out from finished scenarios (a finished job never changes;
    its owner is checked on every request before the cache is consulted)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[str, V] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> V | None:
        """The value kept for the key, or None."""
        with self.lock:
            if key not in self.items:
                return None
            self.items.move_to_end(key)
            return self.items[key]

    def put(self, key: str, value: V) -> None:
        """Keep the value, forgetting the least recently used beyond the size."""
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)


_CACHE: Recent[tuple[Instance | None, Solution | None]] = Recent(8)
