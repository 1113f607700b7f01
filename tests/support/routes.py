"""The app's route table, flat: every route with its full path, whatever router it came in.

FastAPI from 0.16x keeps an included router as one branch in `app.routes`
(`iter_route_contexts` walks them); older versions list the routes themselves.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from fastapi import FastAPI
from starlette.routing import Mount

PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")


@dataclass(frozen=True)
class Route:
    """One route: its path template, methods (none for a mount) and whether it is a mount."""

    path: str
    methods: frozenset[str]
    mount: bool

    @property
    def parameters(self) -> list[str]:
        return PARAMETER.findall(self.path)

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/") or self.path == "/openapi.json"

    def url(self, values: Mapping[str, str]) -> str:
        """The path with each {parameter} replaced by its value (KeyError names a missing one)."""
        return PARAMETER.sub(lambda m: values[m.group(1)], self.path)


def route_table(app: FastAPI) -> list[Route]:
    """Every route of `app`, in routing order."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before included-router branches
        contexts = list(app.routes)
    else:
        contexts = list(iter_route_contexts(app.routes))
    found = []
    for context in contexts:
        route = getattr(context, "original_route", context)
        found.append(Route(path=str(context.path), mount=isinstance(route, Mount),
                           methods=frozenset(getattr(context, "methods", None) or ())))
    return found
