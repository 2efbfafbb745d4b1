"""Places named in a call (人民路, 幸福小区, 第一中学) and the caller's phone, as keys to find repeat calls by.

A place is a word ending in a place suffix (路, 街, 小区, 中学 …) as jieba cuts the text, joined to the word
before it when the suffix stands alone (人民 + 路): 城关镇人民路1号 and 人民路一带 both name 人民路, whatever
town or county prefix a caller adds. Generic words (小区, 菜市场) alone name no place, nor do they joined to a word of
time or position (每天晚上 + 广场).
"""

from __future__ import annotations

import re

from .segmenter import cut

SUFFIXES = ("路", "街", "巷", "大道", "小区", "社区", "花园", "家园", "新村", "村", "广场", "市场", "公园", "中学",
            "小学", "学校", "医院", "幼儿园", "大厦", "园区", "桥")
GENERIC = frozenset({"菜市场", "农贸市场", "超市", "马路", "道路", "公路", "农村", "乡村", "小区", "社区", "学校",
                     "医院", "广场", "公园", "市场"})
NOT_PLACES = frozenset({"每天", "晚上", "每天晚上", "今天", "昨天", "附近", "旁边", "门口", "对面", "周边", "这个",
                        "那个", "我们", "我家", "一个", "这里", "那里"})
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
MIN_PHONE_DIGITS = 7


def places(text: str) -> list[str]:
    """The places the text names, in order, each once."""
    words, found = cut(text), []
    for i, word in enumerate(words):
        before = words[i - 1] if i else ""
        standalone = word in SUFFIXES or word in GENERIC
        if standalone and len(before) >= 2 and _CJK.match(before) and before not in GENERIC | NOT_PLACES:
            found.append(before + word)
        elif not standalone and len(word) >= 3 and _CJK.match(word) and word.endswith(SUFFIXES):
            found.append(word)
    return list(dict.fromkeys(found))


def phone_key(phone: str | None) -> str | None:
    """A phone number as digits only (its last 11, so +86 and spaces do not matter); None for too short a one."""
    digits = re.sub(r"\D", "", phone or "")
    return digits[-11:] if len(digits) >= MIN_PHONE_DIGITS else None
