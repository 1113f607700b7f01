"""The effective settings: the environment's (and defaults) with the administrator's runtime
values on top, re-read at most every few seconds.

The doors hold one `EffectiveSettings` per app and ask it for the settings of each request and
job run; a change made on the settings page (in any process) is seen within `seconds`.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping

import pydantic
from sqlalchemy.exc import SQLAlchemyError

from medwms.config import Settings
from medwms.core.db import Database
from medwms.runtime import rules
from medwms.runtime.queries import overrides

log = logging.getLogger(__name__)

CACHE_SECONDS = 5.0


def merged(base: Settings, values: Mapping[str, str]) -> Settings:
    """`base` with `values` (texts, by field name) on top, validated by the Settings model:
    a pydantic.ValidationError names each field whose value breaks its rule."""
    data = base.model_dump()
    data.update(values)
    return Settings.model_validate(data)


def lenient(base: Settings, values: Mapping[str, str]) -> Settings:
    """`base` with each runtime value on top that is still editable and valid; one that is not
    (a bound tightened since) is left out and logged, so the server still starts."""
    kept = {name: text for name, text in values.items() if rules.is_runtime_field(name)}
    try:
        return merged(base, kept)
    except pydantic.ValidationError as error:
        bad = {str(problem["loc"][0]) for problem in error.errors() if problem["loc"]}
        log.error("runtime settings %s refused by their rules; environment values used",
                  sorted(bad))
        return merged(base, {n: t for n, t in kept.items() if n not in bad})


class EffectiveSettings:
    """The effective settings of one process, cached for `seconds` on `clock` (monotonic)."""

    def __init__(self, base: Settings, db: Database, *, seconds: float = CACHE_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.base, self.db, self.seconds, self.clock = base, db, seconds, clock
        self._settings = base
        self._until = -math.inf

    def fresh(self) -> bool:
        """Whether the cached settings may be handed out without reading the table."""
        return self.clock() < self._until

    @property
    def cached(self) -> Settings:
        return self._settings

    def current(self) -> Settings:
        """The effective settings, read again when the cached ones are older than `seconds`."""
        if not self.fresh():
            self.reload()
        return self._settings

    def expire(self) -> None:
        """Forget the cached settings: the next `current` reads the table (after a change)."""
        self._until = -math.inf

    def reload(self) -> None:
        try:
            with self.db.reading() as session:
                values = overrides(session)
        except SQLAlchemyError:  # a database not yet migrated: the environment's settings
            log.exception("runtime settings could not be read; environment values used")
            values = {}
        self._settings = lenient(self.base, values)
        self._until = self.clock() + self.seconds
