"""Stage registry and base class.

Stages are looked up by name so that a pipeline is plain config (a list of names plus options), and
each declares what it needs and adds so the pipeline can be checked before any document is read.
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar, Iterable, Iterator, TypeVar

from .doc import Doc
from .errors import ConfigError

_REGISTRY: dict[str, type["Stage"]] = {}

S = TypeVar("S", bound=type["Stage"])


class Stage:
    """A pipeline step: keyword-only options, `__call__(doc) -> doc`, batch `pipe`.

    `requires` and `provides` name Doc attributes ("text", "lang", "norm_text", "tokens", "units",
    "sentences", "entities", "officials", "corrections"); `Pipeline` checks that every requirement
    is provided by an earlier stage (or by reading, which provides "text" and "lang" when given).
    """

    name: ClassVar[str] = ""
    requires: ClassVar[tuple[str, ...]] = ()
    provides: ClassVar[tuple[str, ...]] = ()

    def __call__(self, doc: Doc) -> Doc:  # pragma: no cover - abstract
        raise NotImplementedError

    def pipe(self, docs: Iterable[Doc]) -> Iterator[Doc]:
        """Process a stream; stages override this where batching is faster."""
        for doc in docs:
            yield self(doc)


def register_stage(name: str) -> Callable[[S], S]:
    """Class decorator: make a stage constructible by name from config."""

    def wrap(cls: S) -> S:
        if name in _REGISTRY and _REGISTRY[name] is not cls:
            raise ConfigError(f"stage name {name!r} is registered twice; rename one of them")
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return wrap


def stage_names() -> list[str]:
    """Names of all registered stages (imports the built-in stage modules first)."""
    from . import stages  # noqa: F401  (registers built-ins)

    return sorted(_REGISTRY)


def create_stage(name: str, **options: Any) -> Stage:
    """Build a registered stage; unknown names and options are config errors, not TypeErrors."""
    from . import stages  # noqa: F401  (registers built-ins)

    if name not in _REGISTRY:
        raise ConfigError(
            f"unknown stage {name!r}; known stages: {', '.join(sorted(_REGISTRY))}"
        )
    cls = _REGISTRY[name]
    try:
        stage = cls(**options)
    except TypeError as exc:
        raise ConfigError(f"stage {name!r} rejected its options {sorted(options)}: {exc}") from exc
    return stage
