"""Health: is the service up and its database reachable."""

from __future__ import annotations

from fastapi import APIRouter

from medwms import __version__
from medwms.api.deps import DbDep, public

router = APIRouter(tags=["health"])


@router.get("/health", dependencies=[public()])
def health(db: DbDep) -> dict[str, str]:
    """Liveness and database reachability."""
    db.ping()
    return {"status": "ok", "version": __version__, "database": db.dialect}
