"""BM25 over the knowledge base's inverted index, in portable SQL, with highlighted snippets.

Only *offered* articles take part — published and not past their valid-until date — so an expired article is
never found, whatever its status says. Scoring (Okapi BM25, k1 = 1.2, b = 0.75, Lucene's non-negative idf)
reads the postings of the query's terms only: two aggregate queries, then one ranked page, the same SQL on
SQLite and PostgreSQL, whatever the size of the base.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Float, and_, cast, func, literal, or_, select
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from ..segmenter import terms
from .models import Article, ArticleTerm

K1, B = 1.2, 0.75
MAX_QUERY_TERMS = 32
SNIPPET = 60  # characters of body around the first match, each side
FIELD_WEIGHT = 2  # title and keywords count twice in an article's term counts


@dataclass(frozen=True)
class Hit:
    article: Article
    score: float
    highlight: dict[str, str]


def offered(today: date) -> ColumnElement[bool]:
    """Articles staff may be offered today: published, and valid today (or without an end date)."""
    return and_(Article.status == "published", or_(Article.valid_until.is_(None), Article.valid_until >= today))


def index_counts(title: str, keywords: list[str], body: str) -> Counter[str]:
    """The term counts an article is indexed under (title and keywords weigh ``FIELD_WEIGHT`` times)."""
    counts = Counter(terms(body))
    for term in terms(" ".join([title, *keywords])):
        counts[term] += FIELD_WEIGHT
    return counts


def search(session: Session, query: str, today: date, page: int, per_page: int,
           category: str | None = None) -> tuple[list[Hit], int]:
    """Offered articles matching the query's terms, best first (ties: newest article first), and how many match."""
    wanted = list(dict.fromkeys(terms(query)))[:MAX_QUERY_TERMS]
    if not wanted:
        return [], 0
    where = [offered(today)] + ([Article.category == category] if category else [])
    count, average = session.execute(select(func.count(), func.avg(Article.length)).where(*where)).one()
    frequencies = dict(session.execute(
        select(ArticleTerm.term, func.count()).join(Article, Article.id == ArticleTerm.article_id)
        .where(ArticleTerm.term.in_(wanted), *where).group_by(ArticleTerm.term)).all())
    if not frequencies:
        return [], 0
    idf = {term: math.log(1 + (count - df + 0.5) / (df + 0.5)) for term, df in frequencies.items()}
    score = _score(idf, float(average or 1))
    ranked = (select(Article, score.label("score")).join(ArticleTerm, ArticleTerm.article_id == Article.id)
              .where(ArticleTerm.term.in_(list(idf)), *where).group_by(Article.id)
              .order_by(score.desc(), Article.id.desc()).limit(per_page).offset((page - 1) * per_page))
    total = session.scalar(select(func.count(func.distinct(ArticleTerm.article_id)))
                           .join(Article, Article.id == ArticleTerm.article_id)
                           .where(ArticleTerm.term.in_(list(idf)), *where))
    return [Hit(article, round(float(value), 4), highlight(article, list(idf)))
            for article, value in session.execute(ranked)], total


def _score(idf: dict[str, float], average_length: float) -> ColumnElement[float]:
    """Σ idf(t) · tf (k1 + 1) / (tf + k1 (1 − b + b · length / average length)) over the query's terms."""
    weight = when(*((ArticleTerm.term == term, literal(value, Float)) for term, value in idf.items()), else_=0.0)
    count = cast(ArticleTerm.count, Float)
    norm = K1 * (1 - B + B * cast(Article.length, Float) / literal(average_length, Float))
    return func.sum(weight * count * (K1 + 1) / (count + norm))


def highlight(article: Article, found: list[str]) -> dict[str, str]:
    """The title and a snippet of the body, HTML-escaped, with the query's terms marked ``<mark>…</mark>``."""
    pattern = re.compile("|".join(re.escape(term) for term in sorted(found, key=len, reverse=True)), re.IGNORECASE)
    match = pattern.search(article.body)
    start = max(0, match.start() - SNIPPET) if match else 0
    end = min(len(article.body), (match.end() if match else 0) + SNIPPET)
    snippet = ("…" if start else "") + _marked(pattern, article.body[start:end]) + ("…" if end < len(article.body)
                                                                                   else "")
    return {"title": _marked(pattern, article.title), "body": snippet}


def _marked(pattern: re.Pattern[str], text: str) -> str:
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts += [html.escape(text[last:match.start()]), f"<mark>{html.escape(match.group())}</mark>"]
        last = match.end()
    return "".join(parts) + html.escape(text[last:])
