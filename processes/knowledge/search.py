"""BM25 over the knowledge base's inverted index, with highlighted snippets; the same ranking on both databases.

Only *offered* articles take part — published and not past their valid-until date — so an expired article is
never found, whatever its status says. Scoring (Okapi BM25, k1 = 1.2, b = 0.75, Lucene's non-negative idf)
reads the postings of the query's telling terms only (see ``_telling``): the terms' document frequencies (by the
term index), their postings, the lengths of the offered articles among them (by primary key), scored in Python,
so SQLite and PostgreSQL rank alike; then one read of the page's articles. N and df count the whole base, drafts
included, so they need no join.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from ..segmenter import terms
from .models import Article, ArticleTerm

K1, B = 1.2, 0.75
MAX_QUERY_TERMS = 32
SNIPPET = 60  # characters of body around the first match, each side
FIELD_WEIGHT = 2  # title and keywords count twice in an article's term counts
COMMON, FEW = 0.25, 1000  # a query term in more than this share and number of the articles is left out
ID_CHUNK = 5000  # article ids per IN list (databases bound the parameters of one statement)


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
    count = session.scalar(select(func.count(Article.id)))
    frequencies = dict(session.execute(select(ArticleTerm.term, func.count()).where(ArticleTerm.term.in_(wanted))
                                       .group_by(ArticleTerm.term)).all())
    kept = _telling(frequencies, count)
    postings = session.connection().execute(select(ArticleTerm.article_id, ArticleTerm.term, ArticleTerm.count)
                                            .where(ArticleTerm.term.in_(kept))).all()  # plain rows: no ORM work
    lengths = _offered_lengths(session, sorted({article_id for article_id, _, _ in postings}), today, category)
    scores = _scores([p for p in postings if p.article_id in lengths], lengths, frequencies, count)
    ranked = sorted(scores, key=lambda article_id: (-scores[article_id], -article_id))
    page_ids = ranked[(page - 1) * per_page:page * per_page]
    rows = {row.id: row for row in session.scalars(select(Article).where(Article.id.in_(page_ids)))}
    return [Hit(rows[i], round(scores[i], 4), highlight(rows[i], kept)) for i in page_ids], len(scores)


def _telling(frequencies: dict[str, int], count: int) -> list[str]:
    """The query's terms that tell articles apart: all but those in more than ``COMMON`` of the articles (and more
    than ``FEW`` of them), or else the rarest one. (A term in most articles adds almost nothing to a score,
    idf < 1.1, yet would read most postings; a small base reads them all.)"""
    rare = [term for term, df in frequencies.items() if df <= max(COMMON * count, FEW)]
    return rare or sorted(frequencies, key=frequencies.get)[:1]


def _offered_lengths(session: Session, ids: list[int], today: date, category: str | None) -> dict[int, int]:
    """The lengths of the articles among ``ids`` offered today (read by primary key, in chunks)."""
    where = [offered(today)] + ([Article.category == category] if category else [])
    lengths: dict[int, int] = {}
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start:start + ID_CHUNK]
        lengths.update(session.connection().execute(select(Article.id, Article.length)
                                                    .where(Article.id.in_(chunk), *where)).all())
    return lengths


def _scores(postings: list, lengths: dict[int, int], frequencies: dict[str, int], count: int) -> dict[int, float]:
    """BM25 per article: Σ idf(t) · tf (k1 + 1) / (tf + k1 (1 − b + b · length / average length)) over the query's
    terms, with idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5)) over all the base's articles; the average length is
    that of the articles matched (near the base's, and known without reading every article)."""
    idf = {term: math.log(1 + (count - df + 0.5) / (df + 0.5)) for term, df in frequencies.items()}
    average_length = sum(lengths.values()) / len(lengths) if lengths else 1.0
    scores: dict[int, float] = {}
    for article_id, term, tf in postings:
        norm = K1 * (1 - B + B * lengths[article_id] / average_length)
        scores[article_id] = scores.get(article_id, 0.0) + idf[term] * tf * (K1 + 1) / (tf + norm)
    return scores


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
