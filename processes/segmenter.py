"""Chinese text cut into search terms with jieba (callers type without spaces: 人民路停水怎么办).

jieba's search mode also yields the shorter words inside long ones (城关镇 → 城关, 城关镇), so an article and a
query meet on a word whichever of the two forms each used. Words jieba's dictionary lacks are cut into
characters, not guessed (no HMM): a guess glues 办狗证 into one word that the article's 狗证 never meets.

jieba here is rjieba, the Python binding of jieba-rs (the same dictionary and cuts): the pure-Python jieba took
1.2-1.3 s to load its dictionary in each process, on the first call registered after a start (and in every
``hotline demo``); jieba-rs loads it in about 0.1 s. It is imported on first use, so importing this module
costs nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache

CUT_CACHE = 20000  # short texts (subjects, the start of contents): a few MB at most
MAX_TERM = 64  # the column's length; a longer run of letters is cut there
STOPWORDS = frozenset("的 了 吗 呢 吧 啊 呀 和 与 及 或 在 是 有 我 你 他 她 们 这 那 就 也 都 还 又 把 被 给 对 从 向 "
                      "请问 一下 什么 如何 怎么 怎么办 怎样 为什么 哪里 可以 能否 是否 问题 情况 反映".split())
_WORD = re.compile(r"[\w]", re.UNICODE)


@lru_cache(maxsize=1)
def _jieba():
    """jieba-rs with its dictionary, loaded once per process on first use."""
    import rjieba

    return rjieba


def terms(text: str) -> list[str]:
    """The text's search terms, in order, repeats kept (term frequencies count them): lower case, no
    punctuation, spaces or stop words."""
    found = []
    for word in _jieba().cut_for_search(text or "", False):
        word = word.strip().lower()[:MAX_TERM]
        if word and _WORD.search(word) and word not in STOPWORDS:
            found.append(word)
    return found


def cut(text: str) -> list[str]:
    """The text cut into words once (no overlapping sub-words), punctuation and stop words kept."""
    return list(_cut(text or ""))


@lru_cache(maxsize=CUT_CACHE)
def _cut(text: str) -> tuple[str, ...]:
    """Kept for recent texts: intake compares each new call with the same open cases again and again."""
    return tuple(word for word in (w.strip().lower() for w in _jieba().cut(text, False)) if word)


def words(text: str) -> list[str]:
    """The text's words without punctuation or stop words, for fuzzy comparison of short texts."""
    return [word for word in cut(text) if _WORD.search(word) and word not in STOPWORDS]
