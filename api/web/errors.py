"""Errors that the planner answers with a page rather than problem JSON."""

from __future__ import annotations


class PageError(Exception):
    """Not found, forbidden, ...: a page with a title and what to do."""

    def __init__(self, status_code: int, title: str, message: str) -> None:
        super().__init__(title)
        self.status_code = status_code
        self.title = title
        self.message = message
