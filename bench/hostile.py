"""Hostile traffic against a live server: fuzzed requests, canaries in every string field and
header, and authorisation across keys. Each returns figures; nothing here asserts."""

from __future__ import annotations

import copy
import json
import random
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from bench.reliability import CANARY, KEY, OTHER_KEY, Reply, Server, bundled

RESULT_ROUTES = ("/v1/staffing/solve", "/v1/placements/solve")
PATHS = (
    "/v1/jobs",
    "/v1/staffing/solve",
    "/v1/placements/solve",
    "/v1/staffing/validate",
    "/v1/placements/validate",
)


@dataclass
class FuzzReport:
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)  # "METHOD path status"
    echoes: list[str] = field(default_factory=list)


def echoed(path: str, reply: Reply, ids_named: bool = True) -> bool:
    """Whether a response repeats a canary: any response but the caller's own plan. Input
    problems name the ids of entities on purpose (`errors[].ids`: a provider, a function);
    with `ids_named` False (the canary was a pupil reference, a header...) not even there."""
    own_plan = reply.status == 200 and path.split("?", maxsplit=1)[0] in RESULT_ROUTES
    if own_plan or CANARY not in reply.text:
        return False
    if not ids_named:
        return True
    try:
        return CANARY in json.dumps(_without_ids(json.loads(reply.text)))
    except ValueError:
        return True


def _without_ids(doc: Any) -> Any:
    """The document less every `ids` list of a problem."""
    if isinstance(doc, dict):
        return {k: _without_ids(v) for k, v in doc.items() if k != "ids"}
    if isinstance(doc, list):
        return [_without_ids(v) for v in doc]
    return doc


# --- fuzzing -------------------------------------------------------------------------------


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, (*path, i))


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return doc


def _junk(rng: random.Random, n: int) -> Any:
    return rng.choice(
        [
            f"{CANARY}{n}",
            None,
            -1,
            0,
            10**30,
            -1e308,
            1.5,
            True,
            "",
            [],
            {},
            {f"{CANARY}{n}": f"{CANARY}{n}"},
            [f"{CANARY}{n}"],
            "x" * 5000,
        ]
    )


def mutate(doc: Any, rng: random.Random, n: int) -> Any:
    """A copy of `doc` with a few random changes: values replaced, keys dropped or added."""
    out = copy.deepcopy(doc)
    for _ in range(rng.randint(1, 3)):
        paths = list(_leaves(out))
        where = rng.choice(paths)
        action = rng.random()
        if action < 0.6 or not where:
            out = _set(out, where, _junk(rng, n))
            continue
        parent = out
        for part in where[:-1]:
            parent = parent[part]
        if isinstance(parent, dict) and action < 0.8:
            parent.pop(where[-1], None)
        elif isinstance(parent, dict):
            parent[f"{CANARY}{n}"] = _junk(rng, n)
        elif isinstance(parent, list) and parent:
            parent.append(copy.deepcopy(parent[0]))
    return out


def _case(rng: random.Random, n: int, job_ids: list[str]) -> tuple[str, str, bytes | None]:
    roll = rng.random()
    if roll < 0.55:
        path = rng.choice(PATHS)
        name = rng.choice(["staffing_small", "dps_small"])
        body: Any = bundled(name)
        if path == "/v1/jobs":
            body = {"kind": body["kind"], "instance": body, "options": {"time_limit_seconds": 2}}
        raw = json.dumps(mutate(body, rng, n)).encode()
        if rng.random() < 0.1:
            raw = raw[: rng.randint(0, len(raw))]  # truncated JSON
        query = rng.choice(["", "?solver=highs", f"?solver={CANARY}{n}", "?time_limit_seconds=-1"])
        return "POST", path + query, raw
    if roll < 0.8:
        target = rng.choice([*job_ids[-5:], f"{CANARY}{n}", "0" * 32])
        suffix = rng.choice(["", "/result"])
        method = "DELETE" if rng.random() < 0.2 and not suffix else "GET"
        return method, f"/v1/jobs/{target}{suffix}", None
    if roll < 0.9:
        query = rng.choice(["", "?limit=0", "?limit=5&offset=2", f"?limit={CANARY}{n}"])
        return "GET", f"/v1/jobs{query}", None
    method = rng.choice(["PUT", "PATCH", "GET", "POST", "DELETE"])
    path = rng.choice(["/v1/instances", f"/v1/instances/{CANARY}{n}", f"/{CANARY}{n}", "/v1/x"])
    return method, path, rng.choice([None, b"\xff\xfe", b"{}"])


def fuzz(server: Server, requests: int, seed: int = 0, threads: int = 4) -> FuzzReport:
    """`requests` random requests, `threads` at a time; 5xx and canary echoes recorded."""
    rng = random.Random(seed)
    cases = [(n, *_case(rng, n, ["0" * 32])) for n in range(requests)]
    report = FuzzReport()

    def one(case: tuple[int, str, str, bytes | None]) -> tuple[str, str, Reply]:
        n, method, path, body = case
        headers = {"Idempotency-Key": f"{CANARY}{n}"} if n % 7 == 0 else {}
        return method, path, server.request(method, path, body, headers)

    with ThreadPoolExecutor(threads) as pool:
        for method, path, reply in pool.map(one, cases):
            report.requests += 1
            report.statuses[reply.status] += 1
            if reply.status >= 500:
                report.server_errors.append(f"{method} {path.split('?')[0]} {reply.status}")
            if echoed(path, reply):
                report.echoes.append(f"{method} {path.split('?')[0]} {reply.status}")
    return report


# --- canaries ------------------------------------------------------------------------------


def _string_leaves(doc: Any) -> list[tuple[Any, ...]]:
    return [p for p in _leaves(doc) if p and isinstance(_get(doc, p), str)]


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        doc = doc[part]
    return doc


Probe = tuple[str, str, Any, dict[str, str], bool]


def canary_probes(per_route: int | None = None) -> list[Probe]:
    """(method, path, body, headers): a canary in each string field (including `kind`) of each
    instance, on every route taking one; unknown keys; headers, queries and path segments.
    `per_route` keeps every n-th string field only (bounded runs)."""
    probes: list[Probe] = []
    n = 0
    for name in ("staffing_small", "dps_small"):
        instance = bundled(name)
        kind = instance["kind"]
        fields = _string_leaves(instance)
        if per_route:
            fields = fields[:: max(1, len(fields) // per_route)]
        for where in [*fields, (f"{CANARY}key",)]:
            n += 1
            body = _set(copy.deepcopy(instance), where, f"{CANARY}{n}")
            named = "reference" not in where
            probes.extend(
                ("POST", route, body, {}, named)
                for route in (f"/v1/{kind}/validate", f"/v1/{kind}/solve")
            )
            probes.append(("POST", "/v1/jobs", {"kind": kind, "instance": body}, {}, named))
        wrong_kind = {**instance, "kind": f"{CANARY}k"}
        probes.append(("POST", "/v1/jobs", {"kind": kind, "instance": wrong_kind}, {}, False))
        probes.append(("POST", f"/v1/{kind}/validate", wrong_kind, {}, False))
        probes.append(("POST", "/v1/jobs", {"kind": f"{CANARY}k", "instance": instance}, {}, False))
    job = {"kind": "staffing", "instance": bundled("staffing_small")}
    staffing = bundled("staffing_small")
    others: list[tuple[str, str, Any, dict[str, str]]] = [
        ("POST", "/v1/jobs", job, {"Idempotency-Key": f"{CANARY}idem"}),
        ("POST", "/v1/jobs", job, {"Idempotency-Key": f"{CANARY}" * 40}),
        ("POST", "/v1/jobs", job, {"Content-Type": f"{CANARY}/type"}),
        ("POST", "/v1/jobs", job, {"X-API-Key": f"{CANARY}key"}),
        ("GET", "/v1/jobs", None, {"Accept": f"{CANARY}/x", f"X-{CANARY}": CANARY}),
        ("OPTIONS", "/v1/jobs", None, {"Origin": f"https://{CANARY}.example"}),
        ("POST", f"/v1/staffing/solve?solver={CANARY}", staffing, {}),
        ("POST", f"/v1/staffing/solve?time_limit_seconds={CANARY}", staffing, {}),
        ("GET", f"/v1/jobs?limit={CANARY}&offset={CANARY}", None, {}),
        ("GET", f"/v1/jobs/{CANARY}", None, {}),
        ("GET", f"/v1/jobs/{CANARY}/result", None, {}),
        ("DELETE", f"/v1/jobs/{CANARY}", None, {}),
        ("GET", f"/v1/instances/{CANARY}", None, {}),
        ("GET", f"/{CANARY}", None, {}),
    ]
    probes += [(*probe, True) for probe in others]  # a job list names earlier ids
    return probes


def canaries(server: Server, per_route: int | None = None) -> tuple[int, list[str]]:
    """Send every probe; then follow each job to its end and read its status. Returns how many
    responses were read and where a canary came back."""
    leaks: list[str] = []
    replies = 0
    job_ids = []
    named: dict[str, bool] = {}
    for method, path, body, headers, ids_named in canary_probes(per_route):
        key = headers.pop("X-API-Key", KEY)
        reply = server.request(method, path, body, headers, key=key)
        replies += 1
        if echoed(path, reply, ids_named):
            leaks.append(f"{method} {path.split('?')[0]} {reply.status}")
        if path == "/v1/jobs" and reply.status == 202:
            job_ids.append(reply.json()["id"])
            named[job_ids[-1]] = ids_named
    server.wait_all(job_ids, timeout=300)
    for job_id in job_ids:
        reply = server.request("GET", f"/v1/jobs/{job_id}")
        replies += 1
        if echoed(f"/v1/jobs/{job_id}", reply, named[job_id]):
            leaks.append(f"GET /v1/jobs/{{id}} of a canary job ({reply.json()['status']})")
    return replies, leaks


# --- authorisation -------------------------------------------------------------------------


def authorisation(server: Server) -> tuple[int, list[str]]:
    """Jobs of one key are invisible to another, and every /v1 route refuses a missing or
    wrong key. Returns (checks made, checks failed)."""
    failures: list[str] = []
    checks = 0

    def expect(what: str, reply: Reply, status: int) -> None:
        nonlocal checks
        checks += 1
        if reply.status != status:
            failures.append(f"{what}: {reply.status}, expected {status}")

    body = {"kind": "staffing", "instance": bundled("staffing_small")}
    mine = server.request("POST", "/v1/jobs", body, {"Idempotency-Key": "shared"}).json()["id"]
    theirs = server.request("POST", "/v1/jobs", body, {"Idempotency-Key": "shared"}, OTHER_KEY)
    checks += 1
    if theirs.status != 202 or theirs.json()["id"] == mine:
        failures.append("an idempotency key is shared across keys")
    for method, path in (
        ("GET", f"/v1/jobs/{mine}"),
        ("GET", f"/v1/jobs/{mine}/result"),
        ("DELETE", f"/v1/jobs/{mine}"),
    ):
        expect(
            f"{method} {path} with another key", server.request(method, path, key=OTHER_KEY), 404
        )
    listed = server.request("GET", "/v1/jobs?limit=1000", key=OTHER_KEY).json()["items"]
    checks += 1
    if any(item["id"] == mine for item in listed):
        failures.append("another key lists the job")
    routes = [("GET", "/v1/jobs"), ("GET", "/v1/instances"), ("GET", f"/v1/jobs/{mine}")]
    routes += [("POST", p) for p in PATHS]
    for method, path in routes:
        for key in (None, "wrong-key"):
            expect(f"{method} {path} key {key}", server.request(method, path, b"{}", key=key), 401)
    return checks, failures
