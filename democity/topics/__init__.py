"""Article templates per gold category; importing the modules fills REGISTRY."""

from democity.topics import (  # noqa: F401  (imported for their @template side effect)
    childcare,
    community,
    culture,
    disaster,
    environment,
    events,
    government,
    health,
    housing,
    procedures,
    simple,
    tax,
    transport,
    waste,
    welfare,
    work,
)
from democity.topics._base import REGISTRY, WARD_OFFICE, Ctx, Draft, Entry, template

__all__ = ["REGISTRY", "WARD_OFFICE", "Ctx", "Draft", "Entry", "template"]
