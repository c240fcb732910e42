"""What a resident told us and what their feedback says, as plain data for the ranker."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ProfileSpec:
    """A resident's stated interests and feedback.

    categories: category slug → weight (1.0 for a plain "I follow this"; 0 < weight).
    areas / life_stages: slugs the resident chose; keywords: free words to look for in text.
    hidden: article ids never to show again; liked / disliked: "more / less like this".
    """

    categories: Mapping[str, float] = field(default_factory=dict)
    areas: tuple[str, ...] = ()
    life_stages: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    hidden: frozenset[str] = frozenset()
    liked: frozenset[str] = frozenset()
    disliked: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for slug, weight in self.categories.items():
            if not isinstance(weight, int | float) or weight < 0:
                raise ValueError(f"category {slug!r}: weight must be a number ≥ 0")
        set_ = object.__setattr__
        set_(self, "categories", dict(self.categories))
        set_(self, "areas", tuple(self.areas))
        set_(self, "life_stages", tuple(self.life_stages))
        set_(self, "keywords", tuple(k.strip() for k in self.keywords if k and k.strip()))
        set_(self, "hidden", frozenset(self.hidden))
        set_(self, "liked", frozenset(self.liked))
        set_(self, "disliked", frozenset(self.disliked))

    @classmethod
    def following(cls, *slugs: str, **kwargs: object) -> ProfileSpec:
        """A profile that follows `slugs` with equal weight (e.g. stated at sign-up)."""
        return cls(categories=dict.fromkeys(slugs, 1.0), **kwargs)  # type: ignore[arg-type]
