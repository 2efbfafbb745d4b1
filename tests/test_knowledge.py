"""The knowledge base: editors write versioned articles; staff find them by what callers say, unsegmented."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import Workbook

WATER = {"title": "计划停水和突发停水的处理", "category": "供水", "departments": ["water"],
         "keywords": ["断水", "没水", "自来水"], "policy_source": "县供水管理办法", "policy_date": "2025-03-01",
         "body": "管网抢修或计划检修时会暂停供水。可拨打自来水公司24小时热线查询恢复供水时间，"
                 "停水超过24小时的，水务局安排送水车。", "status": "published"}
INSURANCE = {"title": "城乡居民医保参保登记", "category": "医保", "departments": ["human_resources"],
             "keywords": ["医疗保险"], "body": "可在县医保中心窗口或手机APP办理参保登记，需携带身份证。",
             "status": "published"}
NOISE = {"title": "夜间施工噪音扰民", "category": "环境", "departments": ["ecology"], "keywords": ["噪声"],
         "body": "夜间22时至次日6时禁止产生噪声的建筑施工作业，可向生态环境分局举报。", "status": "published"}


def write(api, article, user="supervisor"):
    response = api.post(user, "/knowledge", json=article)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def search(api, q, user="operator"):
    response = api.get(user, "/knowledge", query_string={"q": q})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def titles(found):
    return [item["title"] for item in found["items"]]


@pytest.fixture
def base(api):
    for article in (WATER, INSURANCE, NOISE):
        write(api, article)
    return api


def test_an_unsegmented_question_finds_the_water_article_first_with_its_words_marked(base):
    found = search(base, "人民路停水怎么办")
    assert titles(found) == [WATER["title"]]
    assert found["items"][0]["highlight"]["title"] == "计划<mark>停水</mark>和突发<mark>停水</mark>的处理"
    assert "<mark>" not in found["items"][0]["highlight"]["body"] or "停水" in found["items"][0]["highlight"]["body"]


def test_a_synonym_given_in_the_keywords_finds_the_article(base):
    assert "断水" not in WATER["body"] + WATER["title"]
    assert titles(search(base, "我家断水两天了")) == [WATER["title"]]


def test_results_are_ranked_by_relevance(base):
    write(base, {**NOISE, "title": "广场舞音响噪音", "body": "广场舞音响音量过大，可联系城管和派出所。停水期间除外。"})
    found = search(base, "晚上工地施工噪音太吵")
    assert titles(found)[0] == NOISE["title"]
    assert [item["score"] for item in found["items"]] == sorted((i["score"] for i in found["items"]), reverse=True)


def test_expired_articles_are_never_offered(base):
    old = write(base, {**WATER, "title": "2024年停水通知", "valid_until": "2026-11-29", "policy_date": None})
    withdrawn = write(base, {**WATER, "title": "旧的停水答复口径"})
    base.request("PATCH", "supervisor", f"/knowledge/{withdrawn['id']}", json={"status": "expired"})
    assert titles(search(base, "停水")) == [WATER["title"]]
    assert base.get("operator", f"/knowledge/{old['id']}").status_code == 404
    assert base.get("supervisor", f"/knowledge/{old['id']}").get_json()["status"] == "expired"
    listed = base.get("supervisor", "/knowledge?status=expired").get_json()
    assert sorted(titles(listed)) == sorted(["2024年停水通知", "旧的停水答复口径"])
    assert "2024年停水通知" not in titles(base.get("operator", "/knowledge").get_json())


def test_an_article_valid_today_is_offered_until_its_last_day_passes(base):
    write(base, {**INSURANCE, "title": "年度参保缴费期", "valid_until": "2026-11-30"})
    assert "年度参保缴费期" in titles(search(base, "参保缴费"))
    base.clock.advance(timedelta(days=1))
    assert "年度参保缴费期" not in titles(search(base, "参保缴费"))


def test_drafts_are_for_editors_only(base):
    draft = write(base, {**NOISE, "title": "装修噪音投诉口径（草稿）", "status": "draft"})
    assert draft["status"] == "draft"
    assert titles(search(base, "装修噪音")) == [NOISE["title"]]
    assert base.get("operator", f"/knowledge/{draft['id']}").status_code == 404
    assert titles(base.get("admin", "/knowledge?status=draft").get_json()) == ["装修噪音投诉口径（草稿）"]


def test_each_change_is_a_new_version_with_its_author_and_older_versions_stay_readable(base):
    article = write(base, {**WATER, "title": "停水处理（旧）"})
    changed = base.request("PATCH", "admin", f"/knowledge/{article['id']}", json={"title": "停水处理（新）"})
    assert changed.status_code == 200 and changed.get_json()["version"] == 2
    versions = base.get("operator", f"/knowledge/{article['id']}/versions").get_json()
    assert [(v["version"], v["author"], v["title"]) for v in versions] == [
        (1, "supervisor", "停水处理（旧）"), (2, "admin", "停水处理（新）")]
    assert base.get("operator", f"/knowledge/{article['id']}/versions/1").get_json()["body"] == WATER["body"]
    assert base.get("operator", f"/knowledge/{article['id']}/versions/3").status_code == 404
    assert titles(search(base, "停水处理新")) [0] == "停水处理（新）"


@pytest.mark.parametrize("user", ["operator", "dispatcher", "water", "leader", "auditor"])
def test_only_supervisors_and_admins_edit(base, user):
    assert base.post(user, "/knowledge", json=WATER).status_code == 403
    assert base.request("PATCH", user, "/knowledge/1", json={"title": "x"}).status_code == 403
    assert base.get(user, "/knowledge?q=停水").status_code == 200
    assert base.get("designer", "/knowledge?q=停水").status_code == 403


@pytest.mark.parametrize("article, field", [
    ({**WATER, "departments": ["no_such_unit"]}, "departments"),
    ({**WATER, "valid_until": "2025-01-01"}, "valid_until"),
    ({**WATER, "status": "archived"}, "status"),
    ({**WATER, "title": ""}, "title"),
    ({**WATER, "colour": "blue"}, "colour"),
])
def test_a_bad_article_is_refused_and_nothing_is_stored(base, article, field):
    response = base.post("supervisor", "/knowledge", json=article)
    assert response.status_code == 400 and field in response.get_json()["errors"]
    assert base.get("admin", "/knowledge").get_json()["total"] == 3


def test_a_bad_change_is_refused_and_the_article_keeps_its_version(base):
    response = base.request("PATCH", "supervisor", "/knowledge/1", json={"departments": ["nowhere"]})
    assert response.status_code == 400
    assert base.request("PATCH", "supervisor", "/knowledge/1", json={}).status_code == 400
    assert base.request("PATCH", "supervisor", "/knowledge/99", json={"title": "x"}).status_code == 404
    assert base.get("operator", "/knowledge/1").get_json()["version"] == 1


@pytest.mark.parametrize("path", ["/knowledge/661656806099405766656", "/knowledge/2147483648/versions",
                                  "/knowledge/1/versions/99999999999999999999", "/knowledge/0"])
def test_an_id_beyond_any_row_is_not_found_and_changes_nothing(base, path):
    assert base.get("supervisor", path).status_code == 404
    assert base.request("PATCH", "supervisor", path, json={"title": "x"}).status_code in (404, 405)
    assert base.get("operator", "/knowledge/1").get_json()["version"] == 1


# -- import ----------------------------------------------------------------------------------------
HEADER = ["标题", "内容", "分类", "相关部门", "关键词", "政策依据", "政策日期", "有效期至", "状态"]


def csv_file(rows, header=HEADER) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode("utf-8-sig")


def upload(api, name, content, user="supervisor"):
    return api.post(user, "/knowledge/imports", data={"file": (io.BytesIO(content), name)},
                    content_type="multipart/form-data")


def test_a_county_spreadsheet_is_imported_and_searchable(api):
    rows = [["路灯不亮报修", "路灯故障可报城管局，48小时内修复。", "市政", "县城市管理局", "路灯、照明", "", "", "",
             ""],
            ["燃气费缴纳", "燃气费可在营业厅或APP缴纳。", "燃气", "", "天然气；煤气", "县燃气办法", "2025/1/1",
             "2027-12-31", "已发布"]]
    response = upload(api, "知识库.csv", csv_file(rows))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["created"] == 2
    assert titles(search(api, "我们小区的照明坏了")) == ["路灯不亮报修"]
    assert api.get("operator", "/knowledge/1").get_json()["departments"] == ["urban_management"]
    assert titles(search(api, "煤气费在哪交")) == ["燃气费缴纳"]


def test_an_xlsx_file_is_imported_too(api):
    book = Workbook()
    book.active.append(["title", "body", "category", "keywords"])
    book.active.append(["犬只登记", "养犬需到派出所办理登记。", "治安", "养狗, 狗证"])
    content = io.BytesIO()
    book.save(content)
    assert upload(api, "articles.xlsx", content.getvalue()).status_code == 201
    assert titles(search(api, "办狗证")) == ["犬只登记"]


def test_every_bad_row_is_named_and_nothing_is_imported(api):
    rows = [["好的一行", "内容", "分类", "", "", "", "", "", ""],
            ["", "缺标题", "分类", "", "", "", "", "", ""],
            ["坏日期", "内容", "分类", "县水务局", "", "", "2025-13-45", "", ""],
            ["坏部门", "内容", "分类", "县宇宙局", "", "", "", "", "归档"]]
    response = upload(api, "bad.csv", csv_file(rows))
    assert response.status_code == 400
    assert set(response.get_json()["errors"]) == {"rows.3.title", "rows.4.policy_date", "rows.5.departments",
                                                  "rows.5.status"}
    assert api.get("admin", "/knowledge").get_json()["total"] == 0


@pytest.mark.parametrize("name, content", [
    ("notes.txt", b"title,body,category\n"),
    ("empty.csv", b""),
    ("header.csv", "名称,内容\n一,二\n".encode()),
    ("broken.xlsx", b"not a workbook"),
])
def test_an_unreadable_file_is_refused(api, name, content):
    response = upload(api, name, content)
    assert response.status_code == 400 and "file" in response.get_json()["errors"]
    assert api.get("admin", "/knowledge").get_json()["total"] == 0


def test_only_editors_import(api):
    assert upload(api, "a.csv", csv_file([]), user="operator").status_code == 403


# -- at intake, in replies, in reports ---------------------------------------------------------------
TRIAGE_IMMEDIATE = {"treatment": "immediate", "complexity": "general", "departments": []}


def test_the_intake_response_suggests_articles_for_the_call(base):
    case = base.register()  # 人民路供水: 人民路一带连续三天停水，无人告知何时恢复。
    assert [article["title"] for article in case["suggested_articles"]][0] == WATER["title"]
    assert "<mark>" in case["suggested_articles"][0]["highlight"]["title"]


def test_an_immediate_reply_cites_an_article_and_reports_count_it(base):
    number = base.register()["number"]
    base.complete("dispatcher", number, "triage", TRIAGE_IMMEDIATE)
    base.complete("operator", number, "immediate_reply", {"mode": "direct", "reply": "已告知热线电话", "article": 1})
    other = base.register(subject="医保", content="怎么办医保")["number"]
    base.complete("dispatcher", other, "triage", TRIAGE_IMMEDIATE)
    base.complete("operator", other, "immediate_reply", {"mode": "direct", "reply": "请到医保中心"})
    base.register(subject="噪音", content="工地噪音")
    usage = base.get("supervisor", "/knowledge/usage?from=2026-11-30&to=2026-11-30").get_json()
    assert usage == {"calls": 3, "immediate": 2, "from_knowledge": 1, "share_of_calls": 0.3333,
                     "share_of_immediate": 0.5, "top_articles": [{"id": 1, "title": WATER["title"], "uses": 1}]}
    assert base.get("operator", "/knowledge/usage").status_code == 403


@pytest.mark.parametrize("article", [99, "draft", "expired"])
def test_a_reply_may_cite_only_an_offered_article(base, article):
    ids = {"draft": write(base, {**NOISE, "status": "draft"})["id"],
           "expired": write(base, {**NOISE, "valid_until": "2026-01-01", "policy_date": None})["id"]}
    number = base.register()["number"]
    base.complete("dispatcher", number, "triage", TRIAGE_IMMEDIATE)
    task = base.task("operator", number, "immediate_reply")
    response = base.post("operator", f"/tasks/{task['id']}/complete",
                         json={"mode": "direct", "reply": "答复", "article": ids.get(article, article)})
    assert response.status_code == 400 and "article" in response.get_json()["errors"]
    assert base.task("operator", number, "immediate_reply")["id"] == task["id"]  # still open


def test_a_closed_case_with_a_satisfied_caller_is_proposed_as_a_draft(base):
    number = base.register(subject="人民路供水", departments=["water"])["number"]
    base.complete("dispatcher", number, "triage", {**TRIAGE_IMMEDIATE, "departments": ["water"]})
    reply = "管网抢修中，今晚八点前恢复供水。"
    base.complete("operator", number, "immediate_reply", {"mode": "direct", "reply": reply})
    open_case = base.register()["number"]
    assert base.post("supervisor", "/knowledge/proposals", json={"case": number}).status_code == 409  # not closed
    base.complete("operator", number, "callback", {"reached": True, "satisfaction": "satisfied"})
    response = base.post("supervisor", "/knowledge/proposals", json={"case": number})
    assert response.status_code == 201, response.get_json()
    draft = response.get_json()
    assert (draft["status"], draft["title"], draft["body"], draft["departments"], draft["policy_source"]) == (
        "draft", "人民路供水", reply, ["water"], f"案件 {number}")
    assert "人民路供水" not in titles(search(base, "人民路供水"))  # a draft is offered to no one
    assert base.post("supervisor", "/knowledge/proposals", json={"case": open_case}).status_code == 409
    assert base.post("supervisor", "/knowledge/proposals", json={"case": "12345-20261130-9999"}).status_code == 404
    assert base.post("operator", "/knowledge/proposals", json={"case": number}).status_code == 403
