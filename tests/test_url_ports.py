"""url_problem's fast path takes URLs with a port too (a local server, a link checker's test
bench), and never accepts a port the careful path refuses."""

from __future__ import annotations

import pytest

from mlsd_cli.catalogue import urls

from .test_url_problem_fastpath import careful

PORTS = ["0", "1", "9", "10", "080", "8080", "9999", "10000", "59999", "60000", "64999"]
PORTS += ["65000", "65499", "65500", "65529", "65530", "65535", "65536", "70000", "99999"]
PORTS += ["123456", "", "8o"]


@pytest.mark.parametrize("port", PORTS)
def test_a_port_on_the_fast_path_is_one_the_careful_path_accepts(port: str) -> None:
    url = f"http://127.0.0.1:{port}/post/1"
    fast = urls._PLAIN_HTTP_URL.fullmatch(url) is not None
    assert not fast or careful(url) is None
    written_plainly = port.isdigit() and not port.startswith("0") and 1 <= int(port) <= 65535
    assert fast == written_plainly
    assert urls.url_problem(url) == careful(url)
