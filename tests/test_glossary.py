"""The term glossary: format, user files, and a matcher that tolerates form but not false hits."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ResourceError
from pipeline.glossary import ENTRY_TYPES, load_glossary, normalize_source, parse_glossary, stem


def _spans(text: str, kind: str = "variant") -> list[tuple[str, str]]:
    return [(text[m.start:m.end], m.entry.zh) for m in load_glossary().find(text) if m.kind == kind]


def test_bundled_glossary_is_broad_and_well_formed():
    g = load_glossary()
    assert len(g) >= 400
    assert {e.type for e in g} <= set(ENTRY_TYPES)
    for kind in ("term", "title", "body", "enterprise", "place"):
        assert len(g.of_type(kind)) >= 10, kind
    assert g.by_zh["晶澳科技"].canonical == "JA Solar"
    assert "Jing Macao Technology" in g.by_zh["晶澳科技"].variants
    assert g.by_zh["常务副市长"].canonical == "executive vice mayor"
    assert g.by_zh["政法委"].canonical == "Political and Legal Affairs Commission"


def test_no_variant_is_also_a_correct_form():
    """A variant equal (after folding) to any entry's canonical or accepted form would fire on
    correct English."""
    g = load_glossary()
    correct = {" ".join(stem(w) for w in f.replace("-", " ").split()) for e in g for f in e.correct_forms}
    clashes = [
        (e.zh, v)
        for e in g
        for v in e.variants
        if " ".join(stem(w) for w in v.replace("-", " ").split()) in correct
    ]
    assert clashes == []


def test_matching_tolerates_case_inflection_hyphens_and_line_breaks():
    assert _spans("Faucet-\n  Enterprises gathered") == [("Faucet-\n  Enterprises", "龙头企业")]
    assert _spans("one faucet enterprise") == [("faucet enterprise", "龙头企业")]
    assert ("carbon Dharma carbon", "碳达峰碳中和") in _spans("grasp the carbon Dharma carbon.")
    # Commas must be where the phrase has them.
    assert _spans("through political, production, research, use all") == [
        ("political, production, research, use", "政产学研用")
    ]
    assert _spans("through political production. Research, use") == []


def test_matching_never_fires_inside_words():
    assert _spans("unfaucet enterprisesque") == []
    assert _spans("Jing Macaonese Technologyx") == []


def test_correct_forms_are_found_as_such():
    text = "to achieve carbon peak and carbon neutrality"
    kinds = {(text[m.start:m.end], m.kind) for m in load_glossary().find(text)}
    assert ("carbon peak and carbon neutrality", "canonical") in kinds


def test_source_normalization_and_exclusions():
    src = normalize_source("实现碳达峰、碳中和目标")
    assert load_glossary().by_zh["碳达峰碳中和"].in_source(src)
    tap = load_glossary().by_zh["龙头"]
    assert not tap.in_source(normalize_source("修好厨房的水龙头"))
    assert tap.in_source(normalize_source("发挥龙头企业作用"))


def test_user_glossary_adds_and_overrides(tmp_path: Path):
    user = tmp_path / "mine.tsv"
    user.write_text(
        "# my terms\n"
        "晶澳科技\tJA Solar Technology Co., Ltd.\tenterprise\tJing Macao Technology\n"
        "某某新材料\tMoumou New Materials\tenterprise\t?Some Some New Material|=Mm Materials>>Moumou New Materials\n",
        encoding="utf-8",
    )
    g = load_glossary((str(user),))
    assert g.by_zh["晶澳科技"].canonical == "JA Solar Technology Co., Ltd."
    entry = g.by_zh["某某新材料"]
    assert entry.variant_specs[0].ambiguous and entry.variant_specs[1].case_sensitive
    assert entry.variant_specs[1].replacement == "Moumou New Materials"
    assert len(g) == len(load_glossary()) + 1
    assert [m.entry.zh for m in g.find("the mm materials plant") if m.kind == "variant"] == []
    assert [m.entry.zh for m in g.find("the Mm Materials plant") if m.kind == "variant"] == ["某某新材料"]


@pytest.mark.parametrize(
    "line, message",
    [
        ("碳中和\tcarbon neutrality", "expected 3 to 6"),
        ("碳中和\tcarbon neutrality\tslogan", "unknown type"),
        ("\tcarbon neutrality\tterm", "must not be empty"),
        ("碳中和\tcarbon neutrality\tterm\tok|x>>", "empty `>>` replacement"),
    ],
)
def test_malformed_user_glossary_names_file_and_line(tmp_path: Path, line: str, message: str):
    bad = tmp_path / "bad.tsv"
    bad.write_text("# header\n碳达峰\tcarbon peaking\tterm\n" + line + "\n", encoding="utf-8")
    with pytest.raises(ResourceError) as err:
        parse_glossary(bad)
    assert f"{bad}:3" in str(err.value) and message in str(err.value)


def test_missing_user_glossary_is_a_resource_error(tmp_path: Path):
    with pytest.raises(ResourceError, match="does not exist"):
        load_glossary((str(tmp_path / "nope.tsv"),))


def test_name_variants_need_their_capitals():
    assert _spans("Purple Light Group signed") == [("Purple Light Group", "紫光集团")]
    assert _spans("a purple light group glowed") == []
