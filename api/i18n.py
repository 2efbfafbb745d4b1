"""Chinese or English for text meant for people (``Accept-Language``; Chinese by default)."""

from __future__ import annotations

import re

from flask import request

LANGUAGES = ("zh", "en")
_LATIN_START = re.compile(r"\s+(?=[A-Za-z])")
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def language() -> str:
    """The reader's language: English only when they prefer it to Chinese."""
    return request.accept_languages.best_match(LANGUAGES, default="zh") or "zh"


def pick(bilingual: str, lang: str | None = None) -> str:
    """One half of a diagram name written as "中文 English" (names without Chinese are returned whole)."""
    lang = lang or language()
    if not _CJK.search(bilingual or ""):
        return bilingual
    parts = _LATIN_START.split(bilingual, maxsplit=1)
    if len(parts) < 2:
        return bilingual
    return parts[0].strip() if lang == "zh" else parts[1].strip()


def text(zh: str, en: str) -> str:
    return en if language() == "en" else zh


def localize_task(task: dict) -> dict:
    """A task view with its title in the reader's language."""
    return {**task, "title": pick(task["title"])}


def localize_case(case: dict) -> dict:
    return {**case, "open_tasks": [localize_task(t) for t in case["open_tasks"]]}


def localize_page(found, localize) -> dict:
    """A page of results (``total``, ``page``, ``per_page``, ``items``) with each item localized."""
    return {**vars(found), "items": [localize(item) for item in found.items]}
