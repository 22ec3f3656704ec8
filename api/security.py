"""API keys: every /v1 route needs one, unless the server runs local-only on loopback."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader

from api.settings import Settings, hash_key

API_KEY = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key.")


def settings_of(request: Request) -> Settings:
    """The server's settings."""
    settings: Settings = request.app.state.settings
    return settings


def caller(request: Request, key: Annotated[str | None, Security(API_KEY)] = None) -> str:
    """The caller's identity: a prefix of its key's hash ('local' when local-only)."""
    settings = settings_of(request)
    if settings.api_keys:
        digest = hash_key(key) if key else ""
        if any(hmac.compare_digest(digest, known) for known in settings.api_keys):
            return digest[:16]
        raise HTTPException(401, "invalid_api_key", headers={"WWW-Authenticate": "ApiKey"})
    if settings.local_only:
        return "local"
    raise HTTPException(401, "no_api_keys_configured", headers={"WWW-Authenticate": "ApiKey"})


Caller = Annotated[str, Depends(caller)]
SettingsDep = Annotated[Settings, Depends(settings_of)]
