"""Properties of the proposal forms, whatever is posted: requesting a move, the
evidence (all at once, or one field as the author types), a comment, a return to
the author and a calibration decision answer without a server error, and each is
all or nothing: a refused post leaves proposals, evidence, events, comments,
mail and levels as they were; an accepted one is written whole, as posted.

Posts are plausible forms with random changes: fields missing or extra, stale,
negative, huge or non-numeric revisions, unknown choices, blank, huge and unusual
text, NUL characters, and bodies whose bytes are not UTF-8."""

import uuid
from types import SimpleNamespace
from urllib.parse import quote_from_bytes

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from people.models import (
    CalibrationCycle,
    Comment,
    Evidence,
    LevelChange,
    OutgoingEmail,
    Person,
    Proposal,
    ProposalEvent,
)
from people.services.levels import person_set_level
from people.services.workflow import (
    cycle_open,
    evidence_save,
    proposal_create,
    proposal_endorse,
    proposal_submit,
)
from tests.builders import ladder_data, level, publish
from tests.factories import PersonFactory
from tests.strategies import NASTY_TEXT

KEYS = ("comp-1", "comp-2", "comp-3")
NOBODY = uuid.UUID(int=1)  # a well-formed uid that names no person
MODELS = (Proposal, Evidence, ProposalEvent, Comment, OutgoingEmail, LevelChange, Person)
ALLOWED = {200, 302, 400, 403, 404, 409, 422}

# Each test's fixtures (the organisation, its proposals, the signed-in clients)
# serve all its examples; every example runs in the each_example savepoint, rolled
# back after it, so the function-scoped fixtures are safe to share.
shared_fixtures = [HealthCheck.function_scoped_fixture]
examples = settings(max_examples=60, suppress_health_check=shared_fixtures)
# Returning and deciding take a fresh revision and words without NUL: fewer posts pass.
more_examples = settings(examples, max_examples=120)


# The organisation and its proposals ------------------------------------------------


def give_level(person, version, code):
    person_set_level(person=person, level=level(version, code), by=None, source="hr")
    person.refresh_from_db()


def ready(person, version, code, *, author=None):
    """``person``'s submitted request for ``code``, with evidence for every competency."""
    proposal = proposal_create(
        person=person, author=author or person, kind="promotion", target=level(version, code)
    )
    for key in KEYS:
        evidence_save(proposal=proposal, key=key, text=f"I did {key}.")
    return proposal_submit(proposal=proposal, actor=person, revision=proposal.revision)


@pytest.fixture
def world(top, director, manager, report, outsider, hr):
    """Engineering v1 published. Riya (IC1) has a draft request for IC2; Olga (IC1)
    has a submitted one, waiting for Otto, her manager; Cal (IC2) has one in the
    open calibration cycle, which Ada calibrates. Max (IC2) has none yet."""
    version = publish(ladder_data())
    cal = PersonFactory(name="Cal Candidate", email="cal@example.com", manager=director)
    for person, code in ((report, "IC1"), (outsider, "IC1"), (manager, "IC2"), (cal, "IC2")):
        give_level(person, version, code)
    draft = proposal_create(
        person=report, author=report, kind="promotion", target=level(version, "IC2")
    )
    submitted = ready(outsider, version, "IC2")
    calibrating = ready(cal, version, "IC3")
    proposal_endorse(
        proposal=calibrating, actor=director, revision=calibrating.revision, note="Ready."
    )
    cycle_open(
        ladder=version.ladder,
        name="H1",
        starts_on=version.published_at.date(),
        ends_on=version.published_at.date(),
        effective_on=version.published_at.date(),
        calibrators=[top],
        by=hr,
    )
    calibrating.refresh_from_db()
    assert calibrating.state == Proposal.State.IN_CALIBRATION
    assert CalibrationCycle.objects.count() == 1
    return SimpleNamespace(
        version=version,
        draft=draft,
        submitted=submitted,
        calibrating=calibrating,
        people={p.email.split("@")[0]: p for p in Person.objects.all()},
    )


@pytest.fixture
def signed_in(world):
    """A client signed in as each person, by first name (ada, max, riya, otto...)."""
    clients = {}
    for name, person in world.people.items():
        clients[name] = Client()
        clients[name].force_login(person.user)
    return clients


def snapshot() -> dict[str, dict]:
    """Every row of the tables the proposal forms write, by table and primary key."""
    return {model.__name__: {row["id"]: row for row in model.objects.values()} for model in MODELS}


def others(rows: dict, *models) -> dict:
    """``rows`` (a snapshot) without the tables of ``models``."""
    return {table: r for table, r in rows.items() if table not in {m.__name__ for m in models}}


def added(before, model):
    """Rows of ``model`` written since ``before``."""
    return list(model.objects.exclude(pk__in=before[model.__name__]).values())


# Posts --------------------------------------------------------------------------------

ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
WITH_NUL = st.tuples(ANY_TEXT, ANY_TEXT).map("\0".join)  # pasted from a binary file
TEXT = st.one_of(ANY_TEXT, ANY_TEXT, NASTY_TEXT, WITH_NUL)
# The revision the page showed (half the time), an older one, or not a revision at all.
REVISION = st.booleans().flatmap(
    lambda current: (
        st.just("current")
        if current
        else st.sampled_from(["stale", "", "0", "-1", "1.0", "abc", "9" * 30, "٣"])
    )
)


@st.composite
def posts(draw, fields: dict):
    """A post of ``fields`` (name -> strategy), each now and then left out, plus now
    and then an unexpected one. Half the posts are a multipart form as the test
    client sends it; the other half a URL-encoded body whose bytes may not be UTF-8.

    Returns the keyword arguments for ``Client.post`` and the values as Django reads them."""
    values = {name: draw(value) for name, value in fields.items() if draw(st.integers(0, 7))}
    if draw(st.integers(0, 4)) == 0:
        values[draw(st.sampled_from(["unexpected", "csrfmiddlewaretoken", "evidence-nope"]))] = (
            draw(TEXT)
        )
    if draw(st.booleans()):
        encoded = {name: text.encode("utf-8", "surrogatepass") for name, text in values.items()}
        if encoded and draw(st.booleans()):
            name = draw(st.sampled_from(sorted(encoded)))
            encoded[name] += draw(st.sampled_from([b"\xff", b"\xc3", b"\0", b"\xed\xa0\x80"]))
        body = "&".join(
            f"{quote_from_bytes(name.encode())}={quote_from_bytes(value)}"
            for name, value in encoded.items()
        )
        posted = QueryDict(body)
        return {"data": body, "content_type": "application/x-www-form-urlencoded"}, posted
    # The test client cannot encode half a surrogate pair: a browser never sends one.
    values = {name: text.replace("\ud83d", "\ufffd") for name, text in values.items()}
    return {"data": values}, values


def text_fields(prefix, keys=KEYS):
    return {f"{prefix}-{key}": TEXT for key in keys}


# Requesting a move --------------------------------------------------------------------


OFFERED = st.tuples(st.just("max"), st.sampled_from([None, "max"]), st.sampled_from(["IC3", "M1"]))
ANY_REQUEST = st.tuples(
    st.sampled_from(["max", "riya", "otto"]),
    st.sampled_from([None, "", "riya", "olga", "max", "junk", "random"]),
    st.sampled_from(["IC3", "M1", "IC2", "IC1", "M2", "junk", "", "9" * 30]),
)


@examples
@given(request_=OFFERED | ANY_REQUEST, data=st.data())
def test_requesting_a_move_never_fails_and_creates_one_whole_draft(
    world, signed_in, each_example, outcomes, request_, data
):
    """Max (IC2) may ask for IC3 or M1, for himself, or nominate Riya (whose IC track is
    busy); Riya has nothing left to ask for; Otto has no level; Olga is not Max's."""
    who, person, target = request_
    uid = {"junk": "junk", "random": NOBODY, "": ""}.get(person)
    uid = world.people[person].uid if person in world.people else uid
    query = "" if person is None else f"?person={uid}"
    codes = {"IC3", "M1", "IC2", "IC1", "M2"}
    value = str(level(world.version, target).pk) if target in codes else target
    kwargs, posted = data.draw(posts({"target": st.just(value)}))
    with each_example():
        before = snapshot()

        response = signed_in[who].post(reverse("people:proposal_new") + query, **kwargs)

        assert response.status_code in ALLOWED
        if response.status_code == 302:
            outcomes.add("accepted")
            (proposal,) = added(before, Proposal)
            assert str(proposal["target_level_id"]) == posted["target"]
            assert response.url == reverse("people:proposal_evidence", args=[proposal["uid"]])
            assert proposal["state"] == Proposal.State.DRAFT
            (event,) = added(before, ProposalEvent)
            assert (event["proposal_id"], event["action"]) == (proposal["id"], "created")
        else:
            outcomes.add("refused")
            assert snapshot() == before


# The evidence -------------------------------------------------------------------------


def evidence_of(proposal) -> dict[str, str]:
    return dict(Evidence.objects.filter(proposal=proposal).values_list("competency_key", "text"))


@examples
@given(data=st.data())
def test_saving_all_the_evidence_never_fails_and_saves_every_field_or_none(
    world, signed_in, each_example, outcomes, data
):
    kwargs, posted = data.draw(posts(text_fields("evidence")))
    proposal = world.draft
    with each_example():
        before = snapshot()

        response = signed_in["riya"].post(
            reverse("people:proposal_evidence", args=[proposal.uid]), **kwargs
        )

        assert response.status_code in {302, 422}
        if response.status_code == 302:
            outcomes.add("accepted")
            assert response.url == reverse("people:proposal_evidence", args=[proposal.uid])
            assert evidence_of(proposal) == {key: posted.get(f"evidence-{key}", "") for key in KEYS}
            assert others(snapshot(), Evidence) == others(before, Evidence)
        else:
            outcomes.add("refused")  # the page again, with every text as it was sent
            assert snapshot() == before


@examples
@given(key=st.sampled_from([*KEYS, "nope", "COMP-1"]), data=st.data())
def test_saving_one_field_of_evidence_never_fails_and_saves_it_or_nothing(
    world, signed_in, each_example, outcomes, key, data
):
    kwargs, posted = data.draw(posts({f"evidence-{key}": TEXT}))
    proposal = world.draft
    url = reverse("people:evidence_autosave", args=[proposal.uid, key])
    with each_example():
        before, was = snapshot(), evidence_of(proposal)

        response = signed_in["riya"].post(url, **kwargs)

        assert response.status_code in {200, 404, 409, 422}
        if response.status_code == 200:
            outcomes.add("accepted")
            assert evidence_of(proposal) == was | {key: posted.get(f"evidence-{key}", "")}
            assert others(snapshot(), Evidence) == others(before, Evidence)
        else:
            outcomes.add("refused")
            assert snapshot() == before


# Comments -----------------------------------------------------------------------------


@examples
@given(
    who=st.sampled_from(["riya", "max"]),
    visibility=st.sampled_from(["shared", "reviewers", "everyone", ""]),
    data=st.data(),
)
def test_commenting_never_fails_and_adds_one_whole_comment(
    world, signed_in, each_example, outcomes, who, visibility, data
):
    kwargs, posted = data.draw(posts({"text": TEXT, "visibility": st.just(visibility)}))
    proposal = world.draft
    with each_example():
        before = snapshot()

        response = signed_in[who].post(
            reverse("people:proposal_comment", args=[proposal.uid]), **kwargs
        )

        assert response.status_code in {302, 422}
        if response.status_code == 302:
            outcomes.add("accepted")
            (comment,) = added(before, Comment)
            assert comment["text"] == posted["text"].strip()
            expected = "shared" if who == "riya" else posted["visibility"]
            assert comment["visibility"] == expected
            assert others(snapshot(), Comment) == others(before, Comment)
        else:
            outcomes.add("refused")
            assert snapshot() == before


# Returning to the author -------------------------------------------------------------


@more_examples
@given(revision=REVISION, data=st.data())
def test_returning_never_fails_and_returns_with_every_comment_or_not_at_all(
    world, signed_in, each_example, outcomes, revision, data
):
    proposal = world.submitted
    revision = {"current": str(proposal.revision), "stale": str(proposal.revision - 1)}.get(
        revision, revision
    )
    fields = {"revision": st.just(revision), "note": TEXT, **text_fields("comment")}
    kwargs, posted = data.draw(posts(fields))
    with each_example():
        before = snapshot()

        response = signed_in["otto"].post(
            reverse("people:proposal_return", args=[proposal.uid]), **kwargs
        )

        assert response.status_code in {302, 409, 422}
        if response.status_code == 302:
            outcomes.add("accepted")
            # Read afresh: the fixture's object serves every example, so it stays as it was.
            assert Proposal.objects.get(pk=proposal.pk).state == Proposal.State.RETURNED
            (event,) = added(before, ProposalEvent)
            assert event["action"] == "returned"
            assert event["note"] == posted.get("note", "").strip()
            comments = {key: posted.get(f"comment-{key}", "").strip() for key in KEYS}
            assert event["details"] == {key: text for key, text in comments.items() if text}
            assert [mail["to"] for mail in added(before, OutgoingEmail)] == ["olga@example.com"]
        else:
            outcomes.add("refused")
            assert snapshot() == before


# Deciding -----------------------------------------------------------------------------


@more_examples
@given(
    revision=REVISION,
    # The two real choices most of the time, now and then a value that is neither.
    decision=st.sampled_from(["approve", "not_approve"] * 3 + ["", "APPROVE"]),
    in_queue=st.booleans(),
    data=st.data(),
)
def test_deciding_never_fails_and_records_the_whole_decision_or_nothing(
    world, signed_in, each_example, outcomes, revision, decision, in_queue, data
):
    proposal = world.calibrating
    revision = {"current": str(proposal.revision), "stale": str(proposal.revision - 1)}.get(
        revision, revision
    )
    fields = {
        "revision": st.just(revision),
        "decision": st.just(decision),
        "note": TEXT,
        # The queue records an approval only once it is confirmed.
        "confirmed": st.sampled_from(["yes", "", "no"]),
        **text_fields("reason"),
    }
    kwargs, posted = data.draw(posts(fields))
    url = reverse("people:proposal_decide", args=[proposal.uid])
    headers = {}
    if in_queue:
        url += "?from=queue"
        headers = {"HTTP_HX_REQUEST": "true"}
    with each_example():
        before = snapshot()

        response = signed_in["hana"].post(url, **kwargs, **headers)

        assert response.status_code in {200, 302, 409, 422}
        state = Proposal.objects.get(pk=proposal.pk).state
        if state != Proposal.State.IN_CALIBRATION:
            outcomes.add("accepted")
            approved = posted.get("decision") == "approve"
            assert state == ("approved" if approved else "not_approved")
            assert not (in_queue and approved and posted.get("confirmed") != "yes")
            (event,) = added(before, ProposalEvent)
            assert event["note"] == posted.get("note", "").strip()
            # An approval keeps no reasons typed before the calibrator changed their mind.
            reasons = {key: posted.get(f"reason-{key}", "").strip() for key in KEYS}
            kept = {} if approved else {key: text for key, text in reasons.items() if text}
            assert event["details"] == kept
            mail = {mail["to"] for mail in added(before, OutgoingEmail)}
            assert mail == {"cal@example.com", "dana@example.com"}  # Cal and his manager
        else:
            outcomes.add("refused")  # or asked to confirm first: nothing is written either way
            assert snapshot() == before


# What the properties found, kept as examples -----------------------------------------


def test_a_person_in_the_query_string_that_is_not_a_uuid_is_not_found(world, signed_in):
    response = signed_in["max"].get(reverse("people:proposal_new") + "?person=junk")

    assert response.status_code == 404


def test_evidence_with_a_nul_character_saves_no_field_and_keeps_every_text(world, signed_in):
    proposal = world.draft
    response = signed_in["riya"].post(
        reverse("people:proposal_evidence", args=[proposal.uid]),
        {"evidence-comp-1": "Shipped it.", "evidence-comp-2": "Pasted\0", "evidence-comp-3": ""},
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "Nothing was saved: correct what is marked below." in html
    assert "Shipped it.</textarea>" in html and "Pasted\0</textarea>" in html
    after_comp_2 = html[html.index('id="evidence-comp-2"') :]
    assert after_comp_2.index("Null characters are not allowed.") < after_comp_2.index(
        'id="evidence-comp-3"'
    )
    assert evidence_of(proposal) == {}


def test_a_decision_with_a_nul_character_is_refused_with_the_reason(world, signed_in):
    proposal = world.calibrating
    response = signed_in["hana"].post(
        reverse("people:proposal_decide", args=[proposal.uid]),
        {
            "revision": proposal.revision,
            "decision": "not_approve",
            "reason-comp-1": "Too \0 early.",
        },
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "Null characters are not allowed." in html
    assert "Too \0 early.</textarea>" in html  # kept, to correct
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.IN_CALIBRATION
