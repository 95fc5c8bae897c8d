import pytest

from tests.builders import ladder_data, publish


@pytest.fixture
def engineering(db):
    return publish(ladder_data())


@pytest.mark.parametrize(
    "url",
    ["/", "/people/", "/ladders/engineering/", "/ladders/engineering/export/?format=csv"],
)
def test_signed_in_pages_and_downloads_are_private_and_not_stored(
    client_for, report, engineering, url
):
    response = client_for(report).get(url)
    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "public" not in directives


def test_an_htmx_fragment_of_a_signed_in_page_is_private_too(client_for, report):
    response = client_for(report).get("/people/?q=riya", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert {"private", "no-store"} <= {p.strip() for p in response["Cache-Control"].split(",")}
