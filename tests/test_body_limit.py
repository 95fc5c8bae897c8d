"""Request bodies over the upload limit are refused from their Content-Length, unread."""

import http.client
from urllib.parse import urlsplit

from config.uploads import MAX_REQUEST_BYTES


def post_declaring(live_server, path, length, sent=b"--x\r\n", timeout=5):
    """POST over real HTTP declaring ``length`` bytes but sending only ``sent``: an app
    that read the body would wait for the rest, and the answer would never come."""
    address = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=timeout)
    try:
        connection.putrequest("POST", path)
        connection.putheader("Content-Type", "multipart/form-data; boundary=x")
        connection.putheader("Content-Length", str(length))
        connection.endheaders(sent)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def test_a_body_over_the_limit_is_refused_before_it_is_read(live_server):
    status, body = post_declaring(live_server, "/ladders/import/", MAX_REQUEST_BYTES + 1)
    assert status == 413
    assert "<h1>That file is too large</h1>" in body
    assert "limited to 5 MiB (40 MiB for a ladder as CSV). Nothing was read or saved" in body


def test_the_limit_leaves_room_for_a_file_of_the_limit_and_its_form(live_server):
    # Within the limit the body is read (here, it never finishes arriving: a timeout).
    try:
        status, _ = post_declaring(live_server, "/ladders/import/", MAX_REQUEST_BYTES, timeout=1)
    except TimeoutError:
        status = None
    assert status != 413
