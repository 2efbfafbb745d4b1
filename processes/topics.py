"""Words callers use for one thing, read as one word: 没水, 断水 and 自来水停了 all say the water is off.

Comparing two calls word by word misses a neighbour who says 没水 where the first caller said 停水; mapping the
common words of hotline matters to one concept first lets the comparison see the same matter. The table is small
and plain on purpose: a county adds its own words here.
"""

from __future__ import annotations

CONCEPTS = {
    "水": ("水", "停水", "断水", "缺水", "没水", "自来水", "供水", "水压"),
    "电": ("电", "停电", "断电", "没电", "供电", "跳闸"),
    "噪音": ("噪音", "噪声", "吵", "太吵", "吵闹", "扰民"),
    "摊贩": ("摊贩", "摆摊", "小摊", "占道", "占道经营"),
    "路面": ("路面", "坑洼", "坑坑洼洼", "破损"),
    "井盖": ("井盖", "窨井盖"),
    "下水道": ("下水道", "污水", "反水", "外溢"),
    "暖气": ("暖气", "供暖", "取暖"),
    "垃圾": ("垃圾", "垃圾桶", "垃圾箱"),
    "路灯": ("路灯", "灯"),
    "停车": ("停车", "乱停", "违停"),
}
_CONCEPT_OF = {word: concept for concept, words in CONCEPTS.items() for word in words}


def concepts(words: list[str]) -> list[str]:
    """The words with each known synonym replaced by its concept."""
    return [_CONCEPT_OF.get(word, word) for word in words]
