"""Sign-in for the pages: an API key entered once, held as its owner id in a signed, HttpOnly,
SameSite=Strict session cookie; a CSRF token on every form. With --local-only, no sign-in.

The owner id is the one the /v1 routes give the same key (api.security.caller), so a job or
scenario is visible to the key that made it, whether it came through a page or the API.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from api.security import caller, settings_of
from api.settings import Settings

log = logging.getLogger("api.web")

SESSION_COOKIE = "optimiser_session"
SESSION_SECONDS = 8 * 3600
CSRF_FIELD = "csrf_token"


class SignInNeededError(Exception):
    """Raised by a page that needs a signed-in owner; answered with a redirect to sign in."""


def session_secret(settings: Settings) -> str:
    """The cookie-signing secret: from settings, or generated once per data folder."""
    if settings.session_secret:
        return settings.session_secret
    path: Path = settings.data_dir / "session.key"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


def needs_sign_in(settings: Settings) -> bool:
    """Whether the pages need an API key (any is configured)."""
    return bool(settings.api_keys)


def sign_in(request: Request, key: str) -> bool:
    """Check a key as the API does; on success keep only its owner id in the session."""
    try:
        owner = caller(request, key)
    except HTTPException:
        return False
    request.session.clear()
    request.session["owner"] = owner
    request.session[CSRF_FIELD] = secrets.token_urlsafe(32)
    log.info("signed in")
    return True


def sign_out(request: Request) -> None:
    """Sign out: forget the session."""
    request.session.clear()


def page_owner(request: Request) -> str:
    """The owner of the pages' jobs: the signed-in key's id, or 'local' when local-only."""
    settings = settings_of(request)
    if not needs_sign_in(settings):
        if settings.local_only:
            return "local"
        raise SignInNeededError
    owner = request.session.get("owner")
    if not isinstance(owner, str):
        raise SignInNeededError
    return owner


def csrf_token(request: Request) -> str:
    """This session's CSRF token (created on first use)."""
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


async def check_csrf(request: Request) -> None:
    """Every form POST carries the session's token; a missing or wrong one is refused (403)."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    known = request.session.get(CSRF_FIELD)
    if not isinstance(sent, str) or not isinstance(known, str):
        raise HTTPException(403, "csrf_token_missing")
    if not hmac.compare_digest(sent, known):
        raise HTTPException(403, "csrf_token_invalid")


Owner = Annotated[str, Depends(page_owner)]
Csrf = Depends(check_csrf)
