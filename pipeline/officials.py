"""Officials stage: a person with at least one title, merged over the document.

Linking people to titles depends on the language's register (Chinese title chains before the name,
English "Deputy Mayor X" / "X, Deputy Mayor"), so the linkers live in `officials_zh` and
`officials_en`; this module owns the stage and the merging both share.
"""

from __future__ import annotations

from typing import Callable, Iterable

from .doc import Doc, Official
from .registry import Stage, register_stage


def merge_officials(found: Iterable[Official], key: Callable[[str], str] | None = None) -> list[Official]:
    """Merge repeated mentions of one person: titles unioned in first-seen order, mentions sorted.

    `key` folds name variants (e.g. case and spacing of a romanized name); by default the name itself.
    """
    key = key or (lambda name: name)
    merged: dict[str, Official] = {}
    mentions: dict[str, set[tuple[int, int]]] = {}
    for off in found:
        k = key(off.name)
        if k not in merged:
            merged[k] = Official(off.name, [], off.zh, off.organization, [])
            mentions[k] = set()
        cur = merged[k]
        for t in off.titles:
            if t not in cur.titles:
                cur.titles.append(t)
        cur.zh = cur.zh or off.zh
        cur.organization = cur.organization or off.organization
        mentions[k].update(tuple(m) for m in off.mentions)
    out = [o for o in merged.values() if o.titles]
    for k, o in merged.items():
        o.mentions = sorted(mentions[k])
    out.sort(key=lambda o: o.mentions[0] if o.mentions else (0, 0))
    return out


@register_stage("officials")
class OfficialsLinker(Stage):
    """Dispatches to the language's linker; documents of other languages pass through."""

    requires = ("entities",)
    provides = ("officials",)

    def __init__(self) -> None:
        from . import officials_en, officials_zh

        self._linkers: dict[str, Callable[[Doc], list[Official]]] = {
            "zh": officials_zh.link_officials,
            "en": officials_en.link_officials,
        }

    def __call__(self, doc: Doc) -> Doc:
        linker = self._linkers.get(doc.lang or "")
        if linker is not None:
            doc.officials = linker(doc)
        return doc
