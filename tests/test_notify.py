"""`okrctl notify`: digests posted to a real HTTP server on 127.0.0.1 that records every
request and answers as scripted (service errors, 5xx, 429, slow replies)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import MakeRepo, golden, run_okrctl

CONFIG = """\
okrctl: 1
org: Acme 教育
units:
  - {id: acme, level: company}
cycles:
  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
metrics:
  - {name: crm, path: metrics/crm.csv, stale_after: 7d}
people:
  li.na:
    name: 李娜
    wecom: LiNa
    feishu: ou_7d8a6e6df7621556ce0d21922b676706ccs
    dingtalk: "13800000000"
    slack: U024BE7LH
  wang.fang: {name: 王芳}
"""

GOALS = """\
defaults: {cycle: 2026-Q4, unit: acme}
objectives:
  - id: CO-1
    title: 成为在线教育前五 / Top-5 online education
    owner: li.na
    key_results:
      - id: users
        title: Users from 1.0M to 2.0M
        metric: crm:users
        baseline: 100万
        target: 200万
      - id: deals
        title: Deals closed
        target: 10
        baseline: 0
        checkin_every: 7d
        owner: wang.fang
"""
# on 2026-11-30 (61 of 92 days, e = 66.3%): users 1.2M is 20% (off track, below 0.7 x e =
# 46.4%); deals 4 of 10 is 40% (off track too); the last deals check-in is 2026-11-01,
# 29 days before (owed, every 7d); crm's newest row 2026-11-15 is 15 days old (stale, 7d)
CRM = "date,metric,value\n2026-10-01,users,1000000\n2026-11-15,users,1200000\n"
CHECKINS = "date,metric,value,confidence,note\n2026-11-01,CO-1/deals,4,6,slow month\n"
KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
DAY = ["--as-of", "2026-11-30"]


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict[str, object]:
        return json.loads(self.body.decode("utf-8"))  # type: ignore[no-any-return]


@dataclass
class Receiver:
    """What the server received, and the replies it gives in turn (then the last one):
    (status, body, delay in seconds, headers)."""

    url: str
    received: list[Received] = field(default_factory=list)
    replies: list[tuple[int, bytes, float, dict[str, str]]] = field(default_factory=list)

    def script(self, *replies: tuple[int, bytes, float, dict[str, str]]) -> None:
        self.replies[:] = list(replies)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver("")
    state.script((200, b'{"errcode":0,"errmsg":"ok"}', 0.0, {}))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            state.received.append(Received(self.path, dict(self.headers), body))
            status, reply, delay, headers = (
                state.replies.pop(0) if len(state.replies) > 1 else state.replies[0]
            )
            time.sleep(delay)
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def _quick_backoff(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Retries wait backoff x 2^n: recorded, not slept."""
    from okrctl.render import chat_send

    waits: list[float] = []
    monkeypatch.setattr(chat_send, "wait", waits.append)
    return waits


@pytest.fixture
def repo(make_repo: MakeRepo) -> Path:
    return make_repo(
        {"goals/company.yaml": GOALS, "metrics/crm.csv": CRM, "metrics/checkins.csv": CHECKINS},
        config=CONFIG,
    )


def _notify(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = run_okrctl("notify", *args, *DAY, "-C", str(root), env=env)
    return result.returncode, result.stdout, result.stderr


def test_a_wecom_markdown_digest_names_the_off_track_kr_and_never_the_key(
    repo: Path, receiver: Receiver
) -> None:
    url = f"{receiver.url}/cgi-bin/webhook/send?key={KEY}"
    code, out, err = _notify(repo, "--channel", "wecom", "--webhook", url)
    assert (code, err) == (0, ""), err
    assert KEY not in out and KEY not in err
    assert out == (
        f"sent 1 message to wecom ({receiver.url}/cgi-bin/webhook/send?key=***); mentioned li.na\n"
    )
    (request,) = receiver.received
    assert request.path == f"/cgi-bin/webhook/send?key={KEY}"
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    body = request.json()
    assert body["msgtype"] == "markdown"
    content = body["markdown"]["content"]  # type: ignore[index]
    assert content.splitlines() == [
        "**OKR digest · Acme 教育 · 2026-Q4 · as of 2026-11-30**",
        "**Off track (3)**",
        "- CO-1 成为在线教育前五 / Top-5 online education: 30%, expected 66% <@LiNa>",
        "- CO-1/users Users from 1.0M to 2.0M: 20%, expected 66% <@LiNa>",
        "- CO-1/deals Deals closed: 40%, expected 66%, confidence 6/10 (王芳)",
        "**Check-ins owed (1)**",
        "- CO-1/deals Deals closed: last check-in 2026-11-01, 29 days ago (every 7d) (王芳)",
        "**Stale data (1)**",
        "- CO-1/users Users from 1.0M to 2.0M: crm: newest data 2026-11-15, 15 days old "
        "(at most 7d) <@LiNa>",
    ]


def test_the_webhook_comes_from_the_environment(repo: Path, receiver: Receiver) -> None:
    url = f"{receiver.url}/cgi-bin/webhook/send?key={KEY}"
    code, out, err = _notify(repo, "--channel", "wecom", env={"OKRCTL_WEBHOOK": url})
    assert code == 0 and KEY not in out + err
    assert len(receiver.received) == 1


def test_a_wecom_errcode_in_a_200_reply_is_exit_2_with_the_key_masked(
    repo: Path, receiver: Receiver
) -> None:
    receiver.script(
        (
            200,
            json.dumps({"errcode": 93000, "errmsg": f"invalid webhook url, key {KEY}"}).encode(),
            0.0,
            {},
        )
    )
    url = f"{receiver.url}/cgi-bin/webhook/send?key={KEY}"
    for debug in ([], ["--debug"]):
        code, out, err = _notify(repo, "--channel", "wecom", "--webhook", url, *debug)
        assert (code, out) == (2, "")
        assert KEY not in err
        assert "answered HTTP 200 with wecom error 93000: invalid webhook url, key ***" in err
        assert "key=***" in err
    assert len(receiver.received) == 2  # a service error is not retried


def test_5xx_and_429_are_retried_with_backoff(
    repo: Path, receiver: Receiver, _quick_backoff: list[float]
) -> None:
    receiver.script(
        (502, b"bad gateway", 0.0, {}),
        (429, b"slow down", 0.0, {"Retry-After": "7"}),
        (200, b'{"errcode":45009,"errmsg":"api freq out of limit"}', 0.0, {}),
        (200, b'{"errcode":0,"errmsg":"ok"}', 0.0, {}),
    )
    url = f"{receiver.url}/cgi-bin/webhook/send?key={KEY}"
    code, out, err = _notify(repo, "--channel", "wecom", "--webhook", url)
    assert (code, err) == (0, "")
    assert "in 4 attempts" in out
    assert len(receiver.received) == 4
    assert len({r.body for r in receiver.received}) == 1  # the same message each time
    # backoff 1 s, then the reply's Retry-After, then 4 s (1 x 2^2)
    assert _quick_backoff == [1.0, 7.0, 4.0]


def test_a_service_that_stays_down_is_exit_2_after_the_retries(
    repo: Path, receiver: Receiver
) -> None:
    receiver.script((503, b"unavailable", 0.0, {}))
    url = f"{receiver.url}/hook/{KEY}"
    code, out, err = _notify(repo, "--channel", "webhook", "--webhook", url, "--retries", "2")
    assert (code, out) == (2, "")
    assert f"{receiver.url}/hook/*** did not take the message after 3 attempts" in err
    assert "(last: HTTP 503: unavailable)" in err and KEY not in err
    assert len(receiver.received) == 3


def test_a_slow_reply_times_out(repo: Path, receiver: Receiver) -> None:
    receiver.script((200, b'{"errcode":0}', 2.0, {}))
    url = f"{receiver.url}/cgi-bin/webhook/send?key={KEY}"
    started = time.monotonic()
    code, out, err = _notify(
        repo, "--channel", "wecom", "--webhook", url, "--timeout", "0.3", "--retries", "0"
    )
    assert (code, out) == (2, "")
    assert "did not take the message after 1 attempts (last: timed out)" in err
    assert KEY not in err
    assert time.monotonic() - started < 60  # gave up instead of waiting for the reply


def test_a_refused_request_is_not_retried(repo: Path, receiver: Receiver) -> None:
    receiver.script((404, b"no such hook", 0.0, {}))
    code, _, err = _notify(
        repo, "--channel", "slack", "--webhook", f"{receiver.url}/services/T0/B0/{KEY}"
    )
    assert code == 2 and len(receiver.received) == 1
    assert f"{receiver.url}/services/***/***/*** refused the message: HTTP 404: no such hook" in err


def test_slack_feishu_and_dingtalk_service_errors(repo: Path, receiver: Receiver) -> None:
    for channel, reply in (
        ("slack", b"invalid_payload"),
        ("feishu", b'{"code":19021,"msg":"sign match fail or timestamp is not within one hour"}'),
        ("dingtalk", b'{"errcode":310000,"errmsg":"keywords not in content"}'),
    ):
        receiver.script((200, reply, 0.0, {}))
        code, _, err = _notify(
            repo, "--channel", channel, "--webhook", f"{receiver.url}/x?access_token={KEY}"
        )
        assert code == 2, channel
        assert "error" in err and KEY not in err


def test_a_long_digest_is_split_to_the_wecom_limit(make_repo: MakeRepo, receiver: Receiver) -> None:
    krs = "".join(
        f"      - {{id: kr{i}, title: 第{i}个 {'很长的标题' * 12}, target: 10, baseline: 0}}\n"
        for i in range(60)
    )
    goals = GOALS.split("    key_results:\n")[0] + "    key_results:\n" + krs
    checkins = "date,metric,value\n" + "".join(f"2026-11-01,CO-1/kr{i},1\n" for i in range(60))
    root = make_repo(
        {"goals/company.yaml": goals, "metrics/crm.csv": CRM, "metrics/checkins.csv": checkins},
        config=CONFIG,
    )
    code, out, err = _notify(root, "--channel", "wecom", "--webhook", f"{receiver.url}/s?key={KEY}")
    assert code == 0, err
    sizes = [len(r.json()["markdown"]["content"].encode()) for r in receiver.received]  # type: ignore[index]
    assert len(sizes) > 1 and max(sizes) <= 4096
    assert out.startswith(f"sent {len(sizes)} messages to wecom")
    texts = [r.json()["markdown"]["content"] for r in receiver.received]  # type: ignore[index]
    assert texts[0].startswith(
        f"**OKR digest · Acme 教育 · 2026-Q4 · as of 2026-11-30** (part 1 of {len(sizes)})"
    )
    # every key result is named exactly once across the parts
    every = "\n".join(texts)
    assert all(every.count(f"- CO-1/kr{i} ") == 1 for i in range(60))


def test_user_text_cannot_mention_everyone(make_repo: MakeRepo) -> None:
    goals = GOALS.replace(
        "title: Deals closed", 'title: "<@all> [click](http://x) <at user_id=\\"all\\">"'
    )
    root = make_repo(
        {"goals/company.yaml": goals, "metrics/crm.csv": CRM, "metrics/checkins.csv": CHECKINS},
        config=CONFIG,
    )
    for channel in ("wecom", "feishu", "slack"):
        code, out, _ = _notify(root, "--channel", channel, "--dry-run")
        assert code == 0
        assert "<@all>" not in out and '<at user_id=\\"all' not in out
        if channel == "slack":  # escaped as Slack documents; [..](..) is no link in Slack
            assert "&lt;@all&gt;" in out
        else:  # a Markdown link is not formed either
            assert "[click]" not in out and "＜@all＞" in out


@pytest.mark.parametrize("channel", ["wecom", "feishu", "dingtalk", "slack", "webhook"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_dry_run_prints_each_services_payload(repo: Path, channel: str, lang: str) -> None:
    code, out, err = _notify(repo, "--channel", channel, "--dry-run", "--lang", lang)
    assert (code, err) == (0, "")
    golden(f"notify-{channel}-{lang}.jsonl", out)
    body = json.loads(out.splitlines()[0])
    if channel == "dingtalk":
        assert body["at"] == {"atMobiles": ["13800000000"], "atUserIds": [], "isAtAll": False}
        assert "@13800000000" in body["markdown"]["text"]
    if channel == "feishu":
        assert body["msg_type"] == "text"
        assert (
            '<at user_id="ou_7d8a6e6df7621556ce0d21922b676706ccs">李娜</at>'
            in (body["content"]["text"])
        )
    if channel == "slack":
        assert "<@U024BE7LH>" in body["text"]


def test_no_webhook_is_a_usage_error(repo: Path) -> None:
    code, out, err = _notify(repo, "--channel", "wecom")
    assert (code, out) == (2, "")
    assert "no webhook address" in err and "OKRCTL_WEBHOOK" in err


@pytest.mark.parametrize(
    "url", [f"ftp://host/x?key={KEY}", f"http://host/x?key={KEY} y", f"http://host:port/?key={KEY}"]
)
def test_a_bad_webhook_address_is_refused_masked(repo: Path, url: str) -> None:
    code, out, err = _notify(repo, "--channel", "wecom", "--webhook", url)
    assert (code, out) == (2, "")
    assert KEY not in err and "Traceback" not in err
