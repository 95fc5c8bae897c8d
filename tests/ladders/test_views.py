"""The ladder pages: who may open which, what they show, HR's editor, and a fixed
number of queries whatever the size of the ladder."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ladders import urls as ladder_urls
from ladders.ladder_format import to_yaml
from ladders.models import Expectation, Ladder, LadderVersion, Level
from ladders.services.editing import details_update, expectation_save, ladder_create
from ladders.services.versions import draft_discard, draft_start, version_publish
from ladders.services.versions import ladder_data as content_of
from people.services.levels import person_set_level
from tests.builders import SIGNED_IN, ladder_data, publish, shown, shown_draft
from tests.factories import PersonFactory, UserFactory

SLUG = {"slug": "engineering"}
# How ladders/wording.py marks a changed word, with a label for screen readers.
ADDED = '<ins><span class="visually-hidden">added: </span>'
REMOVED = '<del><span class="visually-hidden">removed: </span>'
PLAIN_ADDED = "<ins>"
HTMX = {"HX-Request": "true"}


def url(name, **kwargs):
    return reverse(f"ladders:{name}", kwargs=kwargs)


def body(response):
    return response.content.decode()


def give_level(person, version, code):
    person_set_level(person=person, level=version.levels.get(code=code), by=None, source="hr")


def ladder_file():
    content = to_yaml(ladder_data(slug="design", name="Design")).encode()
    return {"file": SimpleUploadedFile("design.yaml", content, content_type="application/yaml")}


# Every route of ladders/urls.py, as (name, kwargs, method, data): readers' pages
# first, then HR's. ``data`` is what a valid request from HR posts.
BROWSING = [
    ("list", {}, "get", None),
    ("detail", SLUG, "get", None),
    ("level", SLUG | {"code": "IC2"}, "get", None),
    ("competency", SLUG | {"key": "comp-1"}, "get", None),
    ("compare", SLUG, "get", None),
    ("history", SLUG, "get", None),
    ("diff", SLUG, "get", None),
    ("export", SLUG, "get", None),
]
CELL = SLUG | {"key": "comp-1", "code": "IC2"}
COMPETENCY = SLUG | {"kind": "competencies", "ident": "comp-1"}
HR_ONLY = [
    ("new", {}, "get", None),
    ("new", {}, "post", {"name": "Design", "slug": "design"}),
    ("import", {}, "get", None),
    ("import", {}, "post", ladder_file),
    ("start_draft", SLUG, "post", {}),
    ("editor", SLUG, "get", None),
    ("details", SLUG, "post", {"name": "Engineering", "description": "Ours."}),
    ("cell", CELL, "get", None),
    ("cell", CELL, "post", {"text": "Designs systems.", "revision": "1"}),
    ("cell_edit", CELL, "get", None),
    ("item_add", SLUG | {"kind": "competencies"}, "post", {"key": "new", "name": "New"}),
    ("item_edit", COMPETENCY, "get", None),
    ("item_edit", COMPETENCY, "post", {"name": "Renamed", "group": "", "description": ""}),
    ("item_remove", COMPETENCY, "post", {}),
    ("item_move", COMPETENCY, "post", {"direction": "down"}),
    ("preview", SLUG, "get", None),
    ("publish", SLUG, "post", lambda: shown_draft(note="Second version.")),
    ("discard", SLUG, "post", shown_draft),
]
# HR's answer to each valid request: a page, or a redirect after a change.
HR_STATUS = {
    ("new", "post"): 302,
    ("import", "post"): 302,
    ("start_draft", "post"): 302,
    ("details", "post"): 302,
    ("cell", "get"): 302,  # without htmx, the cell is shown in the editor
    ("cell", "post"): 302,
    ("item_add", "post"): 302,
    ("item_edit", "post"): 302,
    ("item_remove", "post"): 302,
    ("item_move", "post"): 302,
    ("publish", "post"): 302,
    ("discard", "post"): 302,
}


def ident(route):
    name, _, method, _ = route
    return f"{method.upper()} {name}"


def call(client, route, **extra):
    name, kwargs, method, data = route
    if callable(data):
        data = data()
    if method == "get":
        return client.get(url(name, **kwargs), **extra)
    return client.post(url(name, **kwargs), data or {}, **extra)


def test_every_route_is_in_the_permission_matrix():
    routes = {pattern.name for pattern in ladder_urls.urlpatterns}
    assert routes == {name for name, *_ in BROWSING + HR_ONLY}


@pytest.mark.parametrize("persona", ["report", "manager"])
@pytest.mark.parametrize("route", BROWSING, ids=ident)
def test_readers_open_every_page_of_a_published_ladder(request, client_for, draft, persona, route):
    response = call(client_for(request.getfixturevalue(persona)), route)
    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["report", "manager"])
@pytest.mark.parametrize("route", HR_ONLY, ids=ident)
def test_hr_pages_do_not_exist_for_readers(request, client_for, draft, persona, route):
    before = content_of(draft)
    response = call(client_for(request.getfixturevalue(persona)), route)
    assert response.status_code == 404
    assert LadderVersion.objects.get(pk=draft.pk).is_draft
    assert content_of(draft) == before
    assert not Ladder.objects.filter(slug="design").exists()


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("detail", SLUG),
        ("level", SLUG | {"code": "IC2"}),
        ("competency", SLUG | {"key": "comp-1"}),
        ("compare", SLUG),
        ("export", SLUG),
    ],
)
def test_a_draft_does_not_exist_for_readers_even_by_number(client_for, report, draft, name, kwargs):
    client = client_for(report)
    assert client.get(url(name, **kwargs), {"version": 1}).status_code == 200
    assert client.get(url(name, **kwargs), {"version": draft.number}).status_code == 404


def test_the_diff_to_or_from_a_draft_does_not_exist_for_readers(client_for, report, draft):
    client = client_for(report)
    assert client.get(url("diff", **SLUG), {"to": 2}).status_code == 404
    assert client.get(url("diff", **SLUG), {"from": 2, "to": 1}).status_code == 404


def test_a_ladder_never_published_does_not_exist_for_readers(client_for, report, hr):
    ladder_create(slug="design", name="Design", user=None)
    assert client_for(report).get(url("detail", slug="design")).status_code == 404
    assert "Design" not in body(client_for(report).get(url("list")))
    assert client_for(hr).get(url("detail", slug="design")).status_code == 200


@pytest.mark.parametrize("route", BROWSING + HR_ONLY, ids=ident)
def test_hr_opens_every_page_and_makes_every_change(client_for, hr, draft, route):
    response = call(client_for(hr), route)
    name, _, method, _ = route
    assert response.status_code == HR_STATUS.get((name, method), 200)


def test_hr_finds_new_ladder_and_import_on_the_ladder_list(client_for, hr, report, published):
    new, upload = 'href="/ladders/new/"', 'href="/ladders/import/"'
    hr_list = client_for(hr).get("/ladders/").content.decode()
    assert new in hr_list and upload in hr_list
    reader_list = client_for(report).get("/ladders/").content.decode()
    assert new not in reader_list and upload not in reader_list


def test_hr_reads_a_draft_by_number(client_for, hr, draft):
    response = client_for(hr).get(url("detail", **SLUG), {"version": draft.number})
    assert response.status_code == 200
    assert "You are previewing <strong>draft version 2</strong>" in body(response)


@pytest.mark.parametrize("route", BROWSING + HR_ONLY, ids=ident)
def test_anonymous_visitors_are_sent_to_sign_in(client, draft, route):
    response = call(client, route)
    name, kwargs, _, _ = route
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url(name, **kwargs)}"


def test_an_account_without_a_person_is_told_why_it_cannot_read(client, published):
    client.force_login(UserFactory())
    response = client.get(url("detail", **SLUG))
    assert response.status_code == 403
    assert "not linked to a person" in body(response)


# Wrong methods (405) for every route: tests/test_access.py.


@pytest.mark.parametrize(
    "path",
    [
        "/ladders/nope/",
        "/ladders/nope/levels/IC1/",
        "/ladders/nope/competencies/comp-1/",
        "/ladders/nope/compare/",
        "/ladders/nope/versions/",
        "/ladders/nope/versions/diff/",
        "/ladders/nope/export/",
        "/ladders/engineering/levels/IC9/",
        "/ladders/engineering/levels/ic1/",
        "/ladders/engineering/competencies/nope/",
        "/ladders/engineering/compare/?a=IC9",
        "/ladders/engineering/compare/?b=IC9",
        "/ladders/engineering/?version=9",
        "/ladders/engineering/?version=one",
        "/ladders/engineering/export/?format=pdf",
        "/ladders/engineering/versions/diff/?from=9",
    ],
)
def test_unknown_things_are_not_found(client_for, report, published, path):
    assert client_for(report).get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/ladders/nope/draft/",
        "/ladders/engineering/draft/edit-cell/comp-1/IC9/",
        "/ladders/engineering/draft/edit-cell/nope/IC1/",
        "/ladders/engineering/draft/edit/competencies/nope/",
        "/ladders/engineering/draft/edit/levels/IC9/",
        "/ladders/engineering/draft/edit/rungs/IC1/",
    ],
)
def test_unknown_parts_of_a_draft_are_not_found(client_for, hr, draft, path):
    assert client_for(hr).get(path).status_code == 404


def test_levels_cannot_be_reordered_by_hand(client_for, hr, draft):
    response = client_for(hr).post(url("item_move", **SLUG, kind="levels", ident="IC1"))
    assert response.status_code == 404


NO_DRAFT = "This ladder has no draft any more: it was published or discarded since you opened"


def test_the_editor_of_a_ladder_without_a_draft_says_so_on_the_ladders_page(
    client_for, hr, published
):
    client = client_for(hr)
    response = client.get(url("editor", **SLUG), follow=True)
    assert response.redirect_chain == [(url("detail", **SLUG), 302)]
    assert NO_DRAFT in body(response)
    assert client.get(url("editor", slug="nope")).status_code == 404


def test_a_post_without_the_csrf_token_is_refused(hr, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(hr.user)
    assert client.post(url("discard", **SLUG)).status_code == 403
    assert LadderVersion.objects.filter(pk=draft.pk).exists()

    client.get(url("editor", **SLUG))  # sets the CSRF cookie, as the page would
    token = client.cookies["csrftoken"].value
    response = client.post(url("discard", **SLUG), shown(draft), headers={"X-CSRFToken": token})
    assert response.status_code == 302
    assert not LadderVersion.objects.filter(pk=draft.pk).exists()


# Reading ----------------------------------------------------------------------------


def grid(html):
    """The levels grid as rows of [grade, code or "—" per track]."""
    table = re.search(r'<table class="ladder-grid".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = re.findall(
            r'<th scope="row" data-label="Grade">(\d+)</th>'
            r'|<td class="empty-cell"'
            r'|<td[^>]*>\s*<a [^>]*><span class="chip [^"]*"><svg .*?</svg>([^<]+)',
            row,
        )
        rows.append([grade or code or "—" for grade, code in cells])
    return rows


def test_the_ladder_page_shows_the_tracks_side_by_side_by_grade(client_for, report, published):
    html = body(client_for(report).get(url("detail", **SLUG)))
    headers = re.findall(r'<th scope="col">(.*?)</th>', html)
    assert [re.sub(r"<[^>]+>", "", header) for header in headers] == [
        "Grade",
        "Individual contributor",
        "Management 1",
    ]
    assert grid(html) == [
        ["1", "IC1", "—"],
        ["2", "IC2", "M1"],
        ["3", "IC3", "M2"],
        ["4", "—", "M3"],
    ]
    assert "No level at grade 1 on this track" in html
    assert "No level at grade 4 on this track" in html


def test_the_ladder_page_marks_the_readers_own_level(client_for, report, published):
    give_level(report, published, "IC2")
    html = body(client_for(report).get(url("detail", **SLUG)))
    assert 'class="mine"' in html
    assert re.search(
        r'<td [^>]*class="mine">\s*<a class="level" href="/ladders/engineering/levels/IC2/">', html
    )
    assert "What does the next level ask of me?" in html


def test_the_kept_grid_of_a_published_version_marks_each_readers_own_level(
    client_for, report, manager, published
):
    give_level(report, published, "IC2")
    give_level(manager, published, "M1")
    for reader, mine in ((report, "IC2"), (manager, "M1"), (report, "IC2")):
        html = body(client_for(reader).get(url("detail", **SLUG)))
        assert re.findall(
            r'<td [^>]*class="mine">\s*<a class="level" href="[^"]*/(\w+)/">', html
        ) == [mine]


def test_a_drafts_grid_shows_an_edit_at_once(client_for, hr, draft):
    page = url("detail", **SLUG) + f"?version={draft.number}"
    assert "IC title 2" in body(client_for(hr).get(page))
    Level.objects.filter(version=draft, code="IC2").update(title="Staff-ish")
    html = body(client_for(hr).get(page))
    assert "Staff-ish" in html
    assert "IC title 2" not in html


def test_a_level_page_offers_the_equivalent_level_as_a_lateral_move(client_for, report, published):
    html = body(client_for(report).get(url("level", **SLUG, code="IC2")))
    assert "<h1>IC2 · IC title 2</h1>" in html
    assert re.search(r'<span class="chip chip-ic">.*?Individual contributor</span> grade 2', html)
    parity = re.search(r'<section class="parity".*?</section>', html, re.S).group(0)
    assert re.search(
        r'>M1</span> <span class="level-title">M title 1</span></a> on Management 1: '
        r"a lateral move, not a promotion",
        parity,
    )
    assert "?a=IC2&amp;b=M1" in parity
    assert "What changes at IC3?" in parity
    for n in (1, 2, 3):
        assert f"At IC2, competency {n} means scope 2." in html


def test_a_level_without_an_equivalent_says_so(client_for, report, published):
    html = body(client_for(report).get(url("level", **SLUG, code="IC1")))
    assert "No other track has a level at grade 1." in html
    assert "lateral move, not a promotion" not in html


def compared(response):
    return response.context["a"].code, response.context["b"].code


def test_compare_starts_from_my_level_and_the_next_on_my_track(client_for, report, published):
    give_level(report, published, "IC1")
    response = client_for(report).get(url("compare", **SLUG))
    assert compared(response) == ("IC1", "IC2")
    assert "IC1 IC title 1 → IC2 IC title 2" in body(response)
    assert "a promotion of 1 grade" in body(response)


def test_compare_at_the_top_of_a_track_offers_the_equivalent_on_the_other(
    client_for, report, published
):
    give_level(report, published, "IC3")
    response = client_for(report).get(url("compare", **SLUG))
    assert compared(response) == ("IC3", "M2")
    assert "a lateral move: the same grade on another track" in body(response)


def test_compare_without_a_level_starts_with_the_first_two_levels(client_for, report, published):
    assert compared(client_for(report).get(url("compare", **SLUG))) == ("IC1", "IC2")


def test_compare_ignores_a_level_on_another_ladder(client_for, report, published):
    other = publish(ladder_data(slug="design", name="Design"))
    give_level(report, other, "M2")
    assert compared(client_for(report).get(url("compare", **SLUG))) == ("IC1", "IC2")


def test_compare_shows_the_levels_asked_for(client_for, report, published):
    give_level(report, published, "IC1")
    response = client_for(report).get(url("compare", **SLUG), {"a": "M3", "b": "IC2"})
    assert compared(response) == ("M3", "IC2")
    assert "a step down in grade" in body(response)
    assert "3 of 3 competencies ask something different" in body(response)
    # At M3, competency 1 means scope 3. -> At IC2, competency 1 means scope 2.
    html = body(response)
    assert f'<div class="wording">At {REMOVED}M3,</del> competency 1' in html
    assert (
        f'<div class="wording">At {ADDED}IC2,</ins> competency 1 means scope {ADDED}2.</ins>'
        in html
    )
    assert f"Adds {PLAIN_ADDED}IC2</ins>, {PLAIN_ADDED}2</ins>." in html


def test_a_kept_comparison_is_the_same_page_without_reading_the_texts_again(
    client_for, report, published, django_assert_num_queries
):
    client = client_for(report)
    first = body(client.get(url("compare", **SLUG), {"a": "M3", "b": "IC2"}))
    other = client.get(url("compare", **SLUG), {"a": "IC1", "b": "IC2"})
    assert compared(other) == ("IC1", "IC2")
    assert "a promotion of 1 grade" in body(other)
    assert f"At {REMOVED}M3,</del>" in first
    assert f"At {REMOVED}IC1,</del>" in body(other)
    assert f"At {REMOVED}M3,</del>" not in body(other)
    # The first time seven queries (QUERIES below); kept, the two levels' texts are not read.
    with django_assert_num_queries(SIGNED_IN + 6):
        again = body(client.get(url("compare", **SLUG), {"a": "M3", "b": "IC2"}))

    def comparison(html):
        return html[html.index('<section id="comparison"') : html.index("</section>")]

    assert comparison(again) == comparison(first)


def test_a_drafts_comparison_shows_an_edit_at_once(client_for, hr, draft):
    client = client_for(hr)
    query = {"version": draft.number, "a": "IC1", "b": "IC2"}
    assert "3 of 3 competencies" in body(client.get(url("compare", **SLUG), query))
    competency = draft.competencies.get(key="comp-1")
    for code in ("IC1", "IC2"):
        expectation_save(
            level=draft.levels.get(code=code),
            competency=competency,
            text="The same words at both.",
            seen_revision=1,
            user=None,
        )
    html = body(client.get(url("compare", **SLUG), query))
    assert "2 of 3 competencies ask something different" in html
    assert "The same words at both." in html


def compare_texts(published, a_text, b_text):
    """IC1's and IC2's comp-1 rewritten by hand (a draft published as version 2)."""
    draft = draft_start(ladder=published.ladder, user=None)
    competency = draft.competencies.get(key="comp-1")
    for code, text in (("IC1", a_text), ("IC2", b_text)):
        expectation_save(
            level=draft.levels.get(code=code),
            competency=competency,
            text=text,
            seen_revision=1,
            user=None,
        )
    version_publish(version=draft, user=None, note="Hand-written texts.")


def comparison_row(response, competency="Competency 1"):
    html = body(response)
    start = html.index(f'<th scope="row">{competency}</th>')
    return html[start : html.index("</tr>", start)]


def test_compare_marks_the_words_the_target_level_adds_and_drops(client_for, report, published):
    compare_texts(
        published, "Writes clear code for the team.", "Writes clear, tested code for teams."
    )
    response = client_for(report).get(url("compare", **SLUG), {"a": "IC1", "b": "IC2"})
    row = comparison_row(response)
    assert '<span class="status status-changed">Changed</span>' in row
    assert f"Adds {PLAIN_ADDED}clear, tested</ins>, {PLAIN_ADDED}teams</ins>." in row
    assert f"Writes {ADDED}clear, tested</ins> code for {ADDED}teams.</ins>" in row
    assert f"Writes {REMOVED}clear</del> code for {REMOVED}the team.</del>" in row
    assert 'data-label="IC2 · IC title 2"' in row


def test_compare_escapes_what_hr_wrote_and_renders_markdown_safely(client_for, report, published):
    compare_texts(
        published,
        "Writes <script>alert(1)</script> code [x](javascript:alert(2)).",
        "Writes <img src=x onerror=alert(3)> code [x](javascript:alert(2)).",
    )
    response = client_for(report).get(url("compare", **SLUG), {"a": "IC1", "b": "IC2"})
    row = comparison_row(response)
    assert "<script>" not in row
    assert "<img" not in row
    assert 'href="javascript' not in row
    assert "&lt;img" in row


def test_compare_shows_a_rewritten_text_whole_on_both_sides(client_for, report, published):
    compare_texts(published, "Writes clear code with tests.", "Leads the **design** of systems.")
    response = client_for(report).get(url("compare", **SLUG), {"a": "IC1", "b": "IC2"})
    row = comparison_row(response)
    assert "Rewritten" in row
    assert "<p>Writes clear code with tests.</p>" in row
    assert "<p>Leads the <strong>design</strong> of systems.</p>" in row
    assert "<ins>" not in row and "<del>" not in row


def test_compare_calls_a_whitespace_only_difference_the_same(client_for, report, published):
    compare_texts(published, "Owns:\n\n- tests\n- reviews", "Owns:\n\n* tests\n*   reviews\n")
    response = client_for(report).get(url("compare", **SLUG), {"a": "IC1", "b": "IC2"})
    assert '<span class="status">Same</span>' in comparison_row(response)


def test_compare_links_to_the_same_grade_on_the_other_track(client_for, report, published):
    html = body(client_for(report).get(url("compare", **SLUG), {"a": "IC1", "b": "IC2"}))
    # IC2 is grade 2, as M1 is.
    assert 'Management 1 at grade 2: <a href="?a=IC1&amp;b=M1">compare IC1 with M1' in html
    # No IC at M3's grade 4: IC3's own equivalent is offered, a lateral move.
    html = body(client_for(report).get(url("compare", **SLUG), {"a": "IC3", "b": "M3"}))
    assert 'Management 1 at grade 3: <a href="?a=IC3&amp;b=M2">compare IC3 with M2' in html
    # Grade 1 is on one track only: nothing to offer.
    html = body(client_for(report).get(url("compare", **SLUG), {"a": "IC1", "b": "IC1"}))
    assert "at grade" not in html


def test_compare_by_htmx_returns_only_the_comparison(client_for, report, published):
    response = client_for(report).get(url("compare", **SLUG), {"a": "IC1", "b": "M1"}, headers=HTMX)
    html = body(response).strip()
    assert response.status_code == 200
    assert html.startswith('<section id="comparison"')
    assert html.endswith("</section>")
    assert "<html" not in html
    assert "<h1" not in html
    assert "IC1 IC title 1 → M1 M title 1" in html
    assert "HX-Request" in response["Vary"]


def test_compare_without_htmx_is_the_whole_page_and_varies_too(client_for, report, published):
    response = client_for(report).get(url("compare", **SLUG))
    assert "<h1>Compare levels</h1>" in body(response)
    assert '<section id="comparison"' in body(response)
    assert "HX-Request" in response["Vary"]


def test_the_competency_page_shows_what_every_level_expects_of_it(client_for, report, published):
    html = body(client_for(report).get(url("competency", **SLUG, key="comp-2")))
    assert "<h1>Competency 2</h1>" in html
    for code in ("IC1", "IC2", "IC3", "M1", "M2", "M3"):
        assert f"At {code}, competency 2 means scope {code[-1]}." in html
        assert f"At {code}, competency 1 means" not in html
    assert grid(html) == [
        ["1", "IC1", "—"],
        ["2", "IC2", "M1"],
        ["3", "IC3", "M2"],
        ["4", "—", "M3"],
    ]


def test_the_competency_page_says_where_no_expectation_is_stated(client_for, report):
    data = ladder_data(slug="design", name="Design")
    del data.tracks[0].levels[0].expectations["comp-1"]
    publish(data)
    html = body(client_for(report).get(url("competency", slug="design", key="comp-1")))
    assert html.count("No expectation stated.") == 1


def test_history_lists_published_versions_and_drafts_only_for_hr(client_for, report, hr, draft):
    version_publish(version=draft, user=hr.user, note="Clearer IC levels.")
    third = draft_start(ladder=draft.ladder, user=hr.user)

    reader = client_for(report).get(url("history", **SLUG))
    assert [v.number for v in reader.context["versions"]] == [2, 1]
    assert "Clearer IC levels." in body(reader)
    assert "Published" in body(reader)
    assert "Version 3" not in body(reader)
    assert "badge-draft" not in body(reader)

    hr_view = client_for(hr).get(url("history", **SLUG))
    assert [v.number for v in hr_view.context["versions"]] == [third.number, 2, 1]
    assert "Version 3" in body(hr_view)
    assert 'class="badge badge-draft"' in body(hr_view)


def test_the_diff_page_marks_what_changed(client_for, report, hr, draft):
    details_update(version=draft, name="Engineering", description="How we grow now.")
    level = draft.levels.get(code="IC1")
    competency = draft.competencies.get(key="comp-1")
    expectation_save(
        level=level,
        competency=competency,
        text="At IC1, competency 1 means scope 5.",
        seen_revision=1,
        user=None,
    )
    version_publish(version=draft, user=hr.user, note="Bigger scope.")

    response = client_for(report).get(url("diff", **SLUG))
    html = body(response)
    assert "<h1>Changes from version 1 to 2</h1>" in html
    assert "Note for version 2: Bigger scope." in html
    assert "0 added, 0 removed, 2 changed." in html
    assert "IC1 · Competency 1" in html
    assert f"At IC1, competency 1 means scope {REMOVED}1.</del> {ADDED}5.</ins>" in html
    assert f"How we {REMOVED}grow.</del> {ADDED}grow now.</ins>" in html


def test_the_diff_page_shows_no_change_for_whitespace_wrapping_or_list_markers(
    client_for, report, published
):
    draft = draft_start(ladder=published.ladder, user=None)
    expectation_save(
        level=draft.levels.get(code="IC1"),
        competency=draft.competencies.get(key="comp-1"),
        text="At IC1,   competency 1\nmeans scope 1.\n",
        seen_revision=1,
        user=None,
    )
    version_publish(version=draft, user=None, note="Rewrapped.")
    html = body(client_for(report).get(url("diff", **SLUG)))
    assert "No differences: the two versions say exactly the same." in html


def test_the_diff_page_of_a_single_version_says_there_is_nothing(client_for, report, published):
    assert "No differences" in body(client_for(report).get(url("diff", **SLUG)))


def test_export_downloads_the_version_read(client_for, report, published):
    response = client_for(report).get(url("export", **SLUG), {"format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="engineering-v1.csv"'
    assert "At IC1, competency 1 means scope 1." in body(response)


# Editing ----------------------------------------------------------------------------


def cell_id(version, code="IC2", key="comp-1"):
    level = version.levels.get(code=code)
    competency = version.competencies.get(key=key)
    return f"cell-{level.pk}-{competency.pk}"


def test_editing_a_cell_by_htmx_returns_its_form_in_place(client_for, hr, draft):
    response = client_for(hr).get(url("cell_edit", **CELL), headers=HTMX)
    html = body(response).strip()
    assert response.status_code == 200
    assert html.startswith(f'<td id="{cell_id(draft)}" class="cell editing" data-label=')
    assert html.endswith("</td>")
    assert "<html" not in html
    assert re.search(r"<textarea [^>]*>At IC2, competency 1 means scope 2.</textarea>", html)
    assert re.search(r'name="revision" value="1"', html)
    assert "HX-Request" in response["Vary"]


def test_editing_a_cell_without_htmx_is_a_page(client_for, hr, draft):
    html = body(client_for(hr).get(url("cell_edit", **CELL)))
    assert "<html" in html
    assert "<h1>IC2 IC title 2 · Competency 1</h1>" in html
    assert "<textarea " in html


def test_saving_a_cell_by_htmx_shows_it_and_says_so(client_for, hr, draft):
    response = client_for(hr).post(
        url("cell", **CELL), {"text": "Designs *systems*.", "revision": "1"}, headers=HTMX
    )
    html = body(response).strip()
    assert response.status_code == 200
    assert html.startswith(f'<td id="{cell_id(draft)}" class="cell" data-label=')
    assert "<em>systems</em>" in html
    assert "<textarea" not in html
    assert '<div id="status" hx-swap-oob="innerHTML">' in html
    assert "Saved IC2 · Competency 1." in html
    saved = Expectation.objects.get(version=draft, level__code="IC2", competency__key="comp-1")
    assert (saved.text, saved.revision, saved.updated_by) == ("Designs *systems*.", 2, hr.user)


def test_cancelling_a_cell_edit_by_htmx_shows_the_cell_again(client_for, hr, draft):
    html = body(client_for(hr).get(url("cell", **CELL), headers=HTMX)).strip()
    assert html.startswith(f'<td id="{cell_id(draft)}" class="cell" data-label=')
    assert "At IC2, competency 1 means scope 2." in html
    assert "hx-swap-oob" not in html


def test_saving_a_cell_someone_changed_meanwhile_is_a_conflict(client_for, hr, draft):
    other = PersonFactory(name="Otis Other", is_hr=True)
    level = draft.levels.get(code="IC2")
    competency = draft.competencies.get(key="comp-1")
    expectation_save(
        level=level, competency=competency, text="Their words.", seen_revision=1, user=other.user
    )

    response = client_for(hr).post(
        url("cell", **CELL), {"text": "My words.", "revision": "1"}, headers=HTMX
    )

    html = body(response)
    assert response.status_code == 409
    assert "<html" not in html
    assert "Otis Other changed this cell at" in html
    assert "Their text is shown above; yours is still in the box." in html
    assert re.search(r'<div class="their-text"><p>Their words.</p>', html)
    assert re.search(r"<textarea [^>]*>My words.</textarea>", html)
    assert re.search(r'name="revision" value="2"', html)  # saving again replaces theirs
    saved = Expectation.objects.get(version=draft, level__code="IC2", competency__key="comp-1")
    assert saved.text == "Their words."


def test_saving_a_cell_someone_cleared_meanwhile_is_a_conflict(client_for, hr, draft):
    level = draft.levels.get(code="IC2")
    competency = draft.competencies.get(key="comp-1")
    expectation_save(level=level, competency=competency, text="", seen_revision=1, user=None)
    response = client_for(hr).post(
        url("cell", **CELL), {"text": "Mine.", "revision": "1"}, headers=HTMX
    )
    assert response.status_code == 409
    assert "Someone cleared this cell since you opened it." in body(response)
    assert not Expectation.objects.filter(level=level, competency=competency).exists()


def test_an_invalid_cell_save_is_refused_with_422(client_for, hr, draft):
    response = client_for(hr).post(url("cell", **CELL), {"text": "x" * 10_001, "revision": "1"})
    assert response.status_code == 422
    assert 'class="field-error"' in body(response)


def test_saving_a_cell_without_htmx_redirects_to_it_in_the_editor(client_for, hr, draft):
    response = client_for(hr).post(url("cell", **CELL), {"text": "Plain post.", "revision": "1"})
    assert response.status_code == 302
    assert response.url == f"{url('editor', **SLUG)}?track=ic#{cell_id(draft)}"
    page = client_for(hr).get(response.url)
    assert "Saved IC2 · Competency 1." in body(page)
    assert "Plain post." in body(page)


def test_clearing_a_cell_shows_it_empty(client_for, hr, draft):
    response = client_for(hr).post(url("cell", **CELL), {"text": "", "revision": "1"}, headers=HTMX)
    assert response.status_code == 200
    assert "No expectation stated." in body(response)
    assert not Expectation.objects.filter(
        version=draft, level__code="IC2", competency__key="comp-1"
    ).exists()


def form_for(html, kind):
    """The editor's add form for ``kind`` (competencies, tracks, levels)."""
    return re.search(
        rf'action="/ladders/engineering/draft/add/{kind}/".*?</form>', html, re.S
    ).group(0)


def field_error(form_html, field):
    """The error shown right after the input named ``field``, or None."""
    match = re.search(
        rf'name="{field}"[^>]*>(?:(?!<label).)*?<small id="id_{field}_error" class="field-error">'
        r"([^<]*)</small>",
        form_html,
        re.S,
    )
    return match and match.group(1)


def test_adding_a_competency_with_errors_shows_each_next_to_its_field(client_for, hr, draft):
    response = client_for(hr).post(
        url("item_add", **SLUG, kind="competencies"), {"key": "comp-1", "name": ""}
    )
    assert response.status_code == 422
    form = form_for(body(response), "competencies")
    assert field_error(form, "key") == "“comp-1” is already used in this ladder."
    assert field_error(form, "name") == "This field is required."
    assert field_error(form, "group") is None
    assert draft.competencies.count() == 3


def test_adding_a_track_with_a_bad_key_shows_the_error(client_for, hr, draft):
    response = client_for(hr).post(
        url("item_add", **SLUG, kind="tracks"),
        {"key": "Staff Track", "name": "Staff", "kind": "ic"},
    )
    assert response.status_code == 422
    assert "lower-case letters, digits and hyphens" in field_error(
        form_for(body(response), "tracks"), "key"
    )
    assert draft.tracks.count() == 2


def test_adding_a_level_at_a_taken_grade_shows_the_clash(client_for, hr, draft):
    ic = draft.tracks.get(key="ic")
    response = client_for(hr).post(
        url("item_add", **SLUG, kind="levels"),
        {"track": ic.pk, "code": "IC9", "title": "Twin", "grade": "2"},
    )
    assert response.status_code == 422
    assert field_error(form_for(body(response), "levels"), "grade") == (
        "Grade 2 on Individual contributor is already IC2 IC title 2: "
        "each level of a track needs its own grade."
    )
    assert not draft.levels.filter(code="IC9").exists()


def test_adding_a_competency_puts_it_in_the_draft(client_for, hr, draft):
    response = client_for(hr).post(
        url("item_add", **SLUG, kind="competencies"),
        {"key": "mentoring", "name": "Mentoring", "group": "People"},
    )
    assert response.status_code == 302
    assert response.url == f"{url('editor', **SLUG)}#competencies"
    assert draft.competencies.filter(key="mentoring", name="Mentoring").exists()


def test_moving_and_removing_a_competency_from_the_editor(client_for, hr, draft):
    client = client_for(hr)
    client.post(url("item_move", **SLUG, kind="competencies", ident="comp-3"), {"direction": "up"})
    keys = list(draft.competencies.order_by("position").values_list("key", flat=True))
    assert keys == ["comp-1", "comp-3", "comp-2"]
    client.post(url("item_remove", **SLUG, kind="competencies", ident="comp-3"))
    assert not draft.competencies.filter(key="comp-3").exists()
    assert not draft.expectations.filter(competency__key="comp-3").exists()


def test_publishing_without_a_note_is_refused_next_to_the_field(client_for, hr, draft):
    response = client_for(hr).post(url("publish", **SLUG), shown(draft, note="   "))
    assert response.status_code == 422
    assert re.search(
        r'name="note".*?<small id="id_note_error" class="field-error">This field is required.',
        body(response),
        re.S,
    )
    assert LadderVersion.objects.get(pk=draft.pk).is_draft


def test_publishing_a_draft_with_blockers_is_refused(client_for, hr):
    ladder_create(slug="design", name="Design", user=hr.user)
    response = client_for(hr).post(
        url("publish", slug="design"), shown_draft("design", note="First.")
    )
    assert response.status_code == 422
    assert "Add at least one competency before publishing." in body(response)
    assert LadderVersion.objects.get(ladder__slug="design").is_draft


def test_publishing_makes_the_draft_what_everyone_reads(client_for, hr, report, draft):
    response = client_for(hr).post(url("publish", **SLUG), shown(draft, note="Second version."))
    assert response.status_code == 302
    assert response.url == url("detail", **SLUG)
    stored = LadderVersion.objects.get(pk=draft.pk)
    assert stored.status == LadderVersion.Status.PUBLISHED
    assert stored.change_note == "Second version."
    assert stored.published_by == hr.user
    assert client_for(report).get(url("detail", **SLUG)).context["version"].pk == draft.pk


def version_two_published_and_three_started(draft, other):
    """Someone else publishes the previewed draft (version 2) and starts version 3."""
    version_publish(version=draft, user=other.user, note="Theirs.")
    return draft_start(ladder=draft.ladder, user=other.user)


def test_the_preview_names_the_draft_version_its_publish_form_publishes(client_for, hr, draft):
    html = body(client_for(hr).get(url("preview", **SLUG)))
    assert re.search(r'<input type="hidden" name="version" value="2"[^>]*>', html)
    assert "Publish version 2</button>" in html


def test_a_stale_publish_form_is_refused_and_publishes_nothing(client_for, hr, draft):
    third = version_two_published_and_three_started(draft, PersonFactory(is_hr=True))
    client = client_for(hr)

    response = client.post(url("publish", **SLUG), shown(draft, note="Mine."))

    assert (response.status_code, response.url) == (302, url("editor", **SLUG))
    assert "Version 2 is already published: it was published since you opened this page" in (
        body(client.get(response.url))
    )
    assert LadderVersion.objects.get(pk=third.pk).is_draft
    assert LadderVersion.objects.get(pk=draft.pk).change_note == "Theirs."


def test_a_publish_form_sent_after_its_draft_was_discarded_is_refused(client_for, hr, draft):
    draft_discard(version=draft)
    client = client_for(hr)

    response = client.post(url("publish", **SLUG), shown(draft, note="Mine."), follow=True)

    assert response.redirect_chain == [(url("detail", **SLUG), 302)]
    assert "Draft version 2 was discarded since you opened this page" in body(response)
    assert not LadderVersion.objects.filter(number=2).exists()


def test_a_stale_discard_form_is_refused_and_discards_nothing(client_for, hr, draft):
    third = version_two_published_and_three_started(draft, PersonFactory(is_hr=True))
    client = client_for(hr)

    response = client.post(url("discard", **SLUG), shown(draft), follow=True)

    assert response.redirect_chain == [(url("editor", **SLUG), 302)]
    assert "Version 2 is already published" in body(response)
    assert LadderVersion.objects.filter(pk=third.pk).exists()


def someone_else_edits_a_cell(draft):
    expectation_save(
        level=draft.levels.get(code="IC2"),
        competency=draft.competencies.get(key="comp-1"),
        text="Their late words.",
        seen_revision=1,
        user=PersonFactory(is_hr=True).user,
    )


def test_a_publish_form_sent_after_someone_edited_the_draft_shows_the_preview_again(
    client_for, hr, draft
):
    client = client_for(hr)
    previewed = shown(draft, note="My note.")
    someone_else_edits_a_cell(draft)

    response = client.post(url("publish", **SLUG), previewed)

    html = body(response)
    assert response.status_code == 409
    assert "Draft version 2 changed since you opened this page, so nothing was done." in html
    assert "Their late words." in html  # the preview as the draft is now
    assert re.search(r"<textarea [^>]*>\s*My note.</textarea>", html)
    assert LadderVersion.objects.get(pk=draft.pk).is_draft
    # The form on that page names the draft as it now is: sending it publishes.
    stamp = re.search(r'name="stamp" value="([^"]+)"', html).group(1)
    again = client.post(url("publish", **SLUG), shown(draft, note="My note.", stamp=stamp))
    assert again.status_code == 302
    assert LadderVersion.objects.get(pk=draft.pk).change_note == "My note."


def test_a_form_for_a_discarded_draft_does_not_act_on_a_new_draft_of_the_same_number(
    client_for, hr, draft
):
    client = client_for(hr)
    opened = shown(draft, note="Mine.")
    draft_discard(version=draft)
    again = draft_start(ladder=draft.ladder, user=None)  # version 2 once more, unseen
    assert again.number == draft.number

    for name in ("publish", "discard"):
        response = client.post(url(name, **SLUG), opened, follow=True)
        assert "Draft version 2 changed since you opened this page" in body(response)
    assert LadderVersion.objects.get(pk=again.pk).is_draft


def test_a_discard_form_sent_after_someone_edited_the_draft_is_refused(client_for, hr, draft):
    opened = shown(draft)
    someone_else_edits_a_cell(draft)

    response = client_for(hr).post(url("discard", **SLUG), opened, follow=True)

    assert response.redirect_chain == [(url("editor", **SLUG), 302)]
    assert "Draft version 2 changed since you opened this page" in body(response)
    assert "Their late words." in body(response)
    assert LadderVersion.objects.filter(pk=draft.pk).exists()


def test_the_editors_own_cell_saves_keep_its_discard_form_current(client_for, hr, draft):
    client = client_for(hr)
    page = body(client.get(url("editor", **SLUG)))
    opened = re.search(r'name="stamp" value="([^"]+)" id="discard-stamp"', page).group(1)

    saved = body(client.post(url("cell", **CELL), {"text": "Mine.", "revision": "1"}, headers=HTMX))

    swapped = re.search(r'name="stamp" value="([^"]+)" id="discard-stamp" hx-swap-oob', saved)
    assert swapped.group(1) != opened
    assert swapped.group(1) == str(LadderVersion.objects.get(pk=draft.pk).stamp)
    response = client.post(url("discard", **SLUG), shown(draft, stamp=swapped.group(1)))
    assert response.status_code == 302
    assert not LadderVersion.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("version", [None, "", "two", "0"])
def test_a_publish_or_discard_form_without_its_version_is_refused(client_for, hr, draft, version):
    client = client_for(hr)
    sent = {"stamp": str(draft.stamp)} | ({} if version is None else {"version": version})
    reload = "does not say which draft version it is for: reload the page"

    published = client.post(url("publish", **SLUG), {"note": "Mine."} | sent)
    assert published.status_code == 422
    assert reload in body(published)
    discarded = client.post(url("discard", **SLUG), sent, follow=True)
    assert reload in body(discarded)
    assert LadderVersion.objects.get(pk=draft.pk).is_draft


def test_discarding_the_draft_removes_it(client_for, hr, published, draft):
    response = client_for(hr).post(url("discard", **SLUG), shown(draft))
    assert response.status_code == 302
    assert response.url == url("detail", **SLUG)
    assert not LadderVersion.objects.filter(pk=draft.pk).exists()
    assert list(LadderVersion.objects.filter(ladder=published.ladder)) == [published]
    assert client_for(hr).get(url("editor", **SLUG)).url == url("detail", **SLUG)


@pytest.mark.parametrize(
    ("name", "kwargs", "data"),
    [
        ("cell", CELL, {"text": "Too late.", "revision": "1"}),
        ("item_add", SLUG | {"kind": "competencies"}, {"key": "late", "name": "Late"}),
        ("details", SLUG, {"name": "Late", "description": ""}),
        ("item_remove", COMPETENCY, {}),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_an_edit_sent_after_the_draft_was_discarded_is_told_so_and_changes_nothing(
    client_for, hr, published, draft, name, kwargs, data, htmx
):
    client = client_for(hr)
    client.get(url("editor", **SLUG))  # the page was open...
    draft_discard(version=draft)  # ...when someone else discarded the draft

    response = client.post(url(name, **kwargs), data, headers=HTMX if htmx else {})

    ladder_page = url("detail", **SLUG)
    if htmx:  # the cell's fragment has nowhere to go: htmx opens the ladder's page
        assert (response.status_code, response["HX-Redirect"]) == (200, ladder_page)
    else:
        assert (response.status_code, response.url) == (302, ladder_page)
    assert NO_DRAFT in body(client.get(ladder_page))
    assert list(LadderVersion.objects.filter(ladder=published.ladder)) == [published]


def test_discarding_a_ladders_only_draft_removes_the_ladder(client_for, hr):
    draft = ladder_create(slug="design", name="Design", user=hr.user)
    response = client_for(hr).post(url("discard", slug="design"), shown(draft))
    assert response.url == url("list")
    assert not LadderVersion.objects.filter(pk=draft.pk).exists()
    assert client_for(hr).get(url("detail", slug="design")).status_code == 404


def test_starting_a_draft_from_the_ladder_page_opens_the_editor(client_for, hr, published):
    response = client_for(hr).post(url("start_draft", **SLUG))
    assert response.status_code == 302
    assert response.url == url("editor", **SLUG)
    assert published.ladder.versions.drafts().get().based_on == published


def test_importing_a_ladder_file_creates_a_draft(client_for, hr):
    response = client_for(hr).post(url("import"), ladder_file())
    assert response.status_code == 302
    assert response.url == url("editor", slug="design")
    draft = LadderVersion.objects.get(ladder__slug="design")
    assert draft.is_draft
    assert draft.expectations.count() == 18


# Query counts -----------------------------------------------------------------------

SIZES = {
    "small": {"tracks": 2, "levels": 3, "competencies": 3},
    "big": {"slug": "big", "tracks": 3, "levels": 15, "competencies": 25},
}

# Every request of a signed-in person runs queries around the view: the session, and
# the user with their person, roles and level (tests/builders.py says it once).
AROUND = SIGNED_IN
READER_PAGES = {
    # ladder, version (get_version_for); tracks, levels, competencies (load_rubric
    # without texts); the newest published version (_page).
    "detail": ({}, AROUND + 6),
    # ...the same, and the expectations.
    "level": ({"code": "IC2"}, AROUND + 7),
    "compare": ({}, AROUND + 7),
    # ladder, version; the competency; tracks, levels, competencies, its
    # expectations (load_rubric); the newest published version.
    "competency": ({"key": "comp-1"}, AROUND + 8),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("page", READER_PAGES)
def test_reading_pages_run_the_same_queries_whatever_the_size(
    client_for, report, django_assert_num_queries, size, page
):
    version = publish(ladder_data(**SIZES[size]))
    give_level(report, version, "IC1")
    kwargs, queries = READER_PAGES[page]
    client = client_for(report)
    with django_assert_num_queries(queries):
        response = client.get(url(page, slug=version.ladder.slug, **kwargs))
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_the_compare_fragment_runs_the_same_queries_whatever_the_size(
    client_for, report, django_assert_num_queries, size
):
    version = publish(ladder_data(**SIZES[size]))
    client = client_for(report)
    with django_assert_num_queries(AROUND + 7):
        response = client.get(url("compare", slug=version.ladder.slug), headers=HTMX)
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_the_editor_runs_the_same_queries_whatever_the_size(
    client_for, hr, django_assert_num_queries, size
):
    version = publish(ladder_data(**SIZES[size]))
    draft_start(ladder=version.ladder, user=None)
    client = client_for(hr)
    # The draft with its ladder; tracks, levels, competencies, expectations
    # (load_rubric); the version it is based on (the page's heading); the level
    # form's track choices, read twice while rendering the <select>.
    with django_assert_num_queries(AROUND + 8):
        response = client.get(url("editor", slug=version.ladder.slug))
    assert response.status_code == 200
