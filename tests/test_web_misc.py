"""The web workspace's words in both languages, and its live alerts (issue 12)."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import httpx
import orjson

from rempart import case as rc
from rempart.web import i18n

from conftest import page, tweet, user
from web_support import PASSWORD, serving, workspace

TEMPLATES = Path(i18n.__file__).parent / "templates"


def test_every_word_is_in_french_and_english_and_every_template_word_exists() -> None:
    for key, words in i18n.STRINGS.items():
        assert words.get("fr") and words.get("en"), key
    used = set()
    for template in TEMPLATES.glob("*.j2"):
        used |= set(re.findall(r"""(?<![\w.])t\(["']([a-z_]*[a-z])["']""", template.read_text()))
    assert used, "no word found in the templates"
    missing = {k for k in used if k not in i18n.STRINGS}
    assert not missing, missing
    # words built from a name (t("mark_" ~ m)) exist for every mark
    for name in rc.MARKS:
        assert f"mark_{name}" in i18n.STRINGS and f"do_{name}" in i18n.STRINGS


def test_live_alerts_tell_new_messages_as_they_arrive(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    with serving(ws) as url, httpx.Client(base_url=url) as client:
        # the session cookie is Secure: carry it by hand over http://127.0.0.1
        login = client.post(
            "/login",
            data={"email": "owner@example.org", "password": PASSWORD},
            follow_redirects=False,
        )
        token = login.cookies.get("rempart_session") or re.search(
            r"rempart_session=([^;]+)", login.headers["set-cookie"]
        ).group(1)  # type: ignore[union-attr]
        headers = {"cookie": f"rempart_session={token}"}
        events: list[tuple[str, dict[str, object]]] = []

        def add_messages() -> None:
            case = rc.open_case(ws.paths["alice"])
            try:
                data = tmp_path / "more.jsonl"
                data.write_bytes(
                    orjson.dumps(page([tweet("9001", "@alice encore")], [user("77", "nouveau")]))
                    + b"\n"
                )
                rc.ingest(case, [data])
            finally:
                case.close()

        timer = threading.Timer(1.0, add_messages)
        timer.start()
        with client.stream("GET", "/cases/alice/events", headers=headers, timeout=30) as stream:
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            name = None
            for line in stream.iter_lines():
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: ") and name:
                    events.append((name, orjson.loads(line[6:])))
                    break
        timer.join()
        assert events and events[0][0] == "counts"
        assert events[0][1]["messages"] == 25  # 24 built, one more
        anonymous = client.get("/cases/alice/events", follow_redirects=False)
        assert anonymous.status_code == 303
