"""{% uid_url %} writes what {% url %} writes, for routes whose one argument is a uid."""

import uuid

import pytest
from django.template import engines
from django.urls import reverse, set_script_prefix

ROUTES = ["people:proposal", "people:proposal_decide", "people:detail"]


def render(source, **context):
    return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize("name", ROUTES)
def test_it_writes_what_url_writes(name):
    uids = [uuid.uuid4() for _ in range(3)]
    for uid in [*uids, str(uids[0])]:
        assert render("{% uid_url name uid %}", name=name, uid=uid) == reverse(name, args=[uid])
        # As {% url ... as x %}: put in the context, written where it is used.
        assert render("{% uid_url name uid as link %}<{{ link }}>", name=name, uid=uid) == (
            f"<{reverse(name, args=[uid])}>"
        )


def test_a_uid_in_capitals_gets_the_link_of_its_uid():
    """reverse refuses it (the route's pattern is lower case); the link is the uid's."""
    uid = uuid.uuid4()
    assert render("{% uid_url 'people:detail' uid %}", uid=str(uid).upper()) == (
        reverse("people:detail", args=[uid])
    )


def test_two_uids_of_one_route_get_their_own_links():
    first, second = uuid.uuid4(), uuid.uuid4()
    html = render(
        "{% uid_url 'people:proposal' a %} {% uid_url 'people:proposal' b %}", a=first, b=second
    )
    assert html == f"/proposals/{first}/ /proposals/{second}/"


def test_a_value_that_is_no_uid_is_refused():
    with pytest.raises(ValueError):
        render("{% uid_url 'people:proposal' uid %}", uid="../../admin")


def test_the_script_prefix_is_kept():
    """Served under a path (SCRIPT_NAME), links carry it, as reverse's do."""
    uid = uuid.uuid4()
    set_script_prefix("/ladders-app/")
    try:
        assert render("{% uid_url 'people:detail' uid %}", uid=uid) == (
            f"/ladders-app/people/{uid}/"
        )
    finally:
        set_script_prefix("/")
    assert render("{% uid_url 'people:detail' uid %}", uid=uid) == f"/people/{uid}/"
