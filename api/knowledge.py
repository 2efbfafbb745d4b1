"""``/knowledge``: the knowledge base — search in unsegmented Chinese, articles, their versions, imports."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.errors import InvalidData
from engine.limits import MAX_ROW_ID, MAX_VERSION
from processes.knowledge import articles, imports, proposals, usage
from processes.knowledge.articles import STATUSES, ArticleFilters

from .auth import all_staff, current_user, hotline, roles
from .reports import ReportSummaryQuery
from .schemas import CODE, PageOut, Paging, Text

ID, VERSION = f"min=1, max={MAX_ROW_ID}", f"min=1, max={MAX_VERSION}"  # bigger numbers name no article (404)

blp = Blueprint("knowledge", __name__, url_prefix="/api/v1/knowledge",
                description="The knowledge base: articles staff answer calls from")
EDITORS = ("supervisor",)  # and admin, who may do everything
UPLOAD = {"content": {"multipart/form-data": {"schema": {
    "type": "object", "properties": {"file": {"type": "string", "format": "binary"}}, "required": ["file"]}}}}


def _article_fields(required: bool) -> dict:
    """An article's fields as an editor writes them: all of a new article's, or the ones a change names."""
    return {
        "title": Text(required=required, validate=validate.Length(1, articles.MAX_TITLE)),
        "body": Text(required=required, validate=validate.Length(1, articles.MAX_BODY)),
        "category": Text(required=required, validate=validate.Length(1, articles.MAX_CATEGORY)),
        "departments": fields.List(Text(validate=CODE), validate=validate.Length(0, 20)),
        "keywords": fields.List(Text(validate=validate.Length(1, articles.MAX_KEYWORD)),
                                validate=validate.Length(0, 50),
                                metadata={"description": "words callers use, synonyms included (断水 for 停水)"}),
        "policy_source": Text(allow_none=True, validate=validate.Length(0, articles.MAX_SOURCE)),
        "policy_date": fields.Date(allow_none=True),
        "valid_until": fields.Date(allow_none=True, metadata={"description": "last day the article may be offered"}),
        "status": Text(validate=validate.OneOf(STATUSES), metadata={"description": "draft (default), published, "
                                                                                   "expired"}),
    }


ArticleIn = Schema.from_dict(_article_fields(required=True), name="ArticleIn")
ArticleChangeIn = Schema.from_dict(_article_fields(required=False), name="ArticleChangeIn")


class ArticleOut(Schema):
    id = fields.Integer()
    version = fields.Integer()
    status = Text(metadata={"description": "`expired` also for a published article past its valid_until"})
    title = Text()
    body = Text()
    category = Text()
    departments = fields.List(Text())
    keywords = fields.List(Text())
    policy_source = Text(allow_none=True)
    policy_date = fields.Date(allow_none=True)
    valid_until = fields.Date(allow_none=True)
    created_at = fields.DateTime()
    created_by = Text()
    updated_at = fields.DateTime()
    updated_by = Text()
    score = fields.Float(metadata={"description": "BM25 score (searches only)"})
    highlight = fields.Dict(keys=Text(), values=Text(), metadata={
        "description": "searches only: `title` and a `body` snippet, HTML-escaped, matches in <mark></mark>"})


class ArticlePage(PageOut):
    items = fields.List(fields.Nested(ArticleOut))


class ArticleVersionOut(ArticleIn):
    """An article's fields as one version has them."""

    version = fields.Integer()
    author = Text()
    at = fields.DateTime()


class KnowledgeQuery(Paging):
    q = Text(validate=validate.Length(1, 200), metadata={"description": "what the caller said, unsegmented"})
    category = Text(validate=validate.Length(1, 40))
    status = Text(validate=validate.OneOf(STATUSES), metadata={"description": "editors: drafts and expired too"})


class ImportOut(Schema):
    created = fields.Integer()
    ids = fields.List(fields.Integer())


@blp.route("")
class Articles(MethodView):
    @all_staff
    @blp.arguments(KnowledgeQuery, location="query")
    @blp.response(200, ArticlePage)
    def get(self, query):
        """Search offered articles (`q`, ranked by BM25, highlighted), or list them newest first.

        Expired articles are never offered; editors (supervisors, administrators) list drafts and expired
        articles with `status`."""
        page, per_page = query.pop("page"), query.pop("per_page")
        found = articles.articles(hotline(), current_user(), ArticleFilters(**query), page, per_page)
        return vars(found)

    @roles(*EDITORS)
    @blp.arguments(ArticleIn)
    @blp.response(201, ArticleOut)
    def post(self, body):
        """Write a new article (version 1; a draft unless `status` says otherwise)."""
        return articles.create(hotline(), current_user(), body)


@blp.route(f"/<int({ID}):article_id>")
class OneArticle(MethodView):
    @all_staff
    @blp.response(200, ArticleOut)
    def get(self, article_id):
        """An article (staff: offered ones; editors: any)."""
        return articles.article(hotline(), current_user(), article_id)

    @roles(*EDITORS)
    @blp.arguments(ArticleChangeIn)
    @blp.response(200, ArticleOut)
    def patch(self, body, article_id):
        """Change an article: a new version with you as its author (publish or expire it with `status`)."""
        if not body:
            raise InvalidData({"_": ["没有要修改的字段 / nothing to change"]})
        return articles.update(hotline(), current_user(), article_id, body)


class UsageQuery(ReportSummaryQuery):
    class Meta:
        exclude = ("format",)


class UsedArticleOut(Schema):
    id = fields.Integer()
    title = fields.String()
    uses = fields.Integer()


class UsageOut(Schema):
    calls = fields.Integer(metadata={"description": "calls registered in the period"})
    immediate = fields.Integer(metadata={"description": "of them, answered immediately"})
    from_knowledge = fields.Integer(metadata={"description": "of them, answered citing an article"})
    share_of_calls = fields.Float(allow_none=True, metadata={"description": "from_knowledge / calls"})
    share_of_immediate = fields.Float(allow_none=True, metadata={"description": "from_knowledge / immediate"})
    top_articles = fields.List(fields.Nested(UsedArticleOut), metadata={"description": "the 10 used most"})


@blp.route("/usage")
@roles("leader", "supervisor", "auditor")
@blp.arguments(UsageQuery, location="query")
@blp.response(200, UsageOut)
def knowledge_usage(query):
    """How many of a period's calls were answered from the knowledge base, and the articles used most (periods as
    in `GET /reports/summary`)."""
    return usage.usage(hotline(), query.get("from_"), query.get("to"))


@blp.route(f"/<int({ID}):article_id>/versions")
@all_staff
@blp.response(200, ArticleVersionOut(many=True))
def article_versions(article_id):
    """Every version of an article, oldest first, each with its author."""
    return articles.versions(hotline(), current_user(), article_id)


@blp.route(f"/<int({ID}):article_id>/versions/<int({VERSION}):number>")
@all_staff
@blp.response(200, ArticleVersionOut)
def article_version(article_id, number):
    """One version of an article, as it was written."""
    return articles.version(hotline(), current_user(), article_id, number)


class ProposalIn(Schema):
    case = fields.String(required=True, validate=validate.Length(1, 40),
                         metadata={"description": "a closed case whose caller was satisfied"})


@blp.route("/proposals", methods=["POST"])
@roles(*EDITORS)
@blp.arguments(ProposalIn)
@blp.response(201, ArticleOut)
def propose(body):
    """Propose a closed case whose caller was satisfied as a new article draft: its subject, the reply given, its
    category and departments (409 for a case still open, without a reply, or whose caller was not satisfied)."""
    return proposals.propose(hotline(), current_user(), body["case"])


@blp.route("/imports", methods=["POST"])
@roles(*EDITORS)
@blp.doc(requestBody=UPLOAD)
@blp.response(201, ImportOut)
def import_articles():
    """Import articles from a CSV or XLSX file (one article a row, headers in Chinese or English; see the README).

    Every row is checked first: any bad row is a 400 naming each row and field, and nothing is imported."""
    upload = request.files.get("file")
    if upload is None:
        raise InvalidData({"file": ["请上传 CSV 或 XLSX 文件 / upload a CSV or XLSX file as `file`"]})
    ids = imports.import_file(hotline(), current_user(), upload.filename or "", upload.read())
    return {"created": len(ids), "ids": ids}
