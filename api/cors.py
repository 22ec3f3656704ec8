"""CORS for the configured origins only; a refused preflight is a problem+json like every
other error (it names what was refused, never the value sent)."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

from api.problems import problem


class ProblemCORS(CORSMiddleware):
    """CORS middleware whose refused preflight is a problem+json naming what was refused."""

    def preflight_response(self, request_headers: Headers) -> Response:
        """The usual preflight answer, or a 400 problem+json when the preflight is refused."""
        response = super().preflight_response(request_headers)
        if response.status_code == 200:
            return response
        refused = bytes(response.body).decode(errors="replace").removeprefix("Disallowed CORS ")
        return problem(400, "cors_refused", f"this cross-origin request is not allowed ({refused})")
