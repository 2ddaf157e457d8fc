from pipeline.doc import Official
from pipeline.officials import merge_officials


def test_merge_unions_titles_and_mentions_in_order():
    found = [
        Official("Song Huying", ["Deputy Secretary"], mentions=[(50, 61)]),
        Official("song huying", ["Mayor", "Deputy Secretary"], zh="宋华英", mentions=[(10, 21), (50, 61)]),
        Official("Zheng Chuan", [], mentions=[(5, 8)]),
    ]
    out = merge_officials(found, key=str.lower)
    assert len(out) == 1  # a person without any title is not an official
    assert out[0].titles == ["Deputy Secretary", "Mayor"]
    assert out[0].zh == "宋华英" and out[0].mentions == [(10, 21), (50, 61)]


def test_merge_is_linear_enough_for_long_documents():
    found = [Official("X", ["Mayor"], mentions=[(i, i + 1)]) for i in range(20000)]
    assert len(merge_officials(found)[0].mentions) == 20000
