"""The bundled instances."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path
from pydantic import BaseModel

from api.problems import responses
from api.security import SettingsDep, caller

router = APIRouter(prefix="/v1/instances", tags=["instances"], dependencies=[Depends(caller)])


class InstanceSummary(BaseModel):
    """A bundled instance's name, kind and description."""

    name: str
    kind: str
    description: str


@router.get("", response_model=list[InstanceSummary], responses=responses(401))
def list_instances(settings: SettingsDep) -> list[InstanceSummary]:
    """The bundled instances, by name."""
    out = []
    for path in sorted(settings.instances_dir.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        out.append(
            InstanceSummary(
                name=path.stem, kind=data.get("kind", ""), description=data.get("description", "")
            )
        )
    return out


@router.get("/{name}", responses=responses(401, 404, 422))
def get_instance(
    name: Annotated[str, Path(pattern=r"^[A-Za-z0-9_\-]{1,64}$")], settings: SettingsDep
) -> dict[str, Any]:
    """One bundled instance, as JSON."""
    path = settings.instances_dir / f"{name}.json"
    if not path.is_file():
        raise HTTPException(404, "instance_not_found")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
