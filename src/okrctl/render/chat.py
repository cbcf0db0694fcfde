"""The digest as each chat service's documented webhook payload, split to its size limit
(docs/notify.md has the formats, the limits and their sources).

* WeCom (企业微信) group robot: ``{"msgtype": "markdown", "markdown": {"content": ...}}``;
  content at most 4096 bytes of UTF-8; ``<@userid>`` mentions a member.
* Feishu / Lark custom bot: ``{"msg_type": "text", "content": {"text": ...}}``; the request
  body at most 20 KB; ``<at user_id="ou_...">name</at>`` mentions.
* DingTalk (钉钉) custom robot: ``{"msgtype": "markdown", "markdown": {"title", "text"},
  "at": {"atMobiles", "atUserIds", "isAtAll": false}}``; ``@handle`` in the text with the
  handle listed in ``at``; 20,000 bytes of body (okrctl's bound: DingTalk documents none).
* Slack incoming webhook: ``{"text": ...}`` in mrkdwn; Slack truncates text past 40,000
  characters; ``<@U...>`` mentions; ``& < >`` escaped as Slack documents.
* webhook: the digest as JSON (``okrctl-digest``), one request.

User text (titles, ids, names) never forms a mention or markup: it is kept on one line,
and the characters that would open a tag or a link are shown as their full-width forms
(Slack: escaped as ``&lt;`` ``&gt;`` ``&amp;``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from okrctl import __version__
from okrctl.core import json_out
from okrctl.core.shown import percent
from okrctl.evaluate.rhythm import NOBODY, Due
from okrctl.metrics.checkins import shown_confidence
from okrctl.render.escape import one_line
from okrctl.review.digest import Digest, Item

CHANNELS = ("wecom", "feishu", "dingtalk", "slack", "webhook")

# (limit, what it counts): "content" bytes of the text, "body" bytes of the JSON request,
# "chars" characters of the text
LIMITS: dict[str, tuple[int, str]] = {
    "wecom": (4096, "content"),
    "feishu": (20 * 1024, "body"),
    "dingtalk": (20_000, "body"),
    "slack": (40_000, "chars"),
}

# every word of the digest, English and Simplified Chinese
_TEXT: dict[str, tuple[str, str]] = {
    "title": ("OKR digest", "OKR 进展提醒"),
    "as_of": ("as of {day}", "截至 {day}"),
    "final": ("final", "最终"),
    "off_track": ("Off track", "未达预期"),
    "at_risk": ("At risk", "存在风险"),
    "owed": ("Check-ins owed", "待更新进展"),
    "stale": ("Stale data", "数据未更新"),
    "all_clear": (
        "Everything is on track, check-ins are current and the data is fresh.",
        "全部目标进展正常，进展已按时更新，数据均为最新。",
    ),
    "expected": ("expected {value}", "预期 {value}"),
    "confidence": ("confidence {value}", "信心 {value}"),
    "last_checkin": (
        "last check-in {day}, {days} days ago (every {cadence})",
        "上次更新 {day}，已 {days} 天（要求每 {cadence}）",
    ),
    "no_checkin": (
        "no check-in this cycle for {days} days (every {cadence})",
        "本周期已 {days} 天未更新（要求每 {cadence}）",
    ),
    "last_data": (
        "{source}: newest data {day}, {days} days old (at most {cadence})",
        "{source}：最新数据 {day}，已 {days} 天（不超过 {cadence}）",
    ),
    "no_data": (
        "{source}: no data this cycle for {days} days (at most {cadence})",
        "{source}：本周期已 {days} 天无数据（不超过 {cadence}）",
    ),
    "part": ("part {n} of {total}", "第 {n}/{total} 部分"),
    "more": ("… {n} more not shown", "……另有 {n} 条未显示"),
}


def word(key: str, lang: str, **values: object) -> str:
    english, chinese = _TEXT[key]
    template = chinese if lang == "zh" else english
    return template.format(**values) if values else template


@dataclass(frozen=True, slots=True)
class Message:
    """One request: its JSON body and the owners it @-mentions."""

    body: dict[str, Any]
    mentioned: tuple[str, ...]

    def data(self) -> bytes:
        return json_out.dumps(self.body).encode("utf-8")


_FULLWIDTH = str.maketrans({"<": "＜", ">": "＞", "[": "［", "]": "］", "`": "｀"})


def safe(text: str, channel: str) -> str:
    """User text as plain text in ``channel``'s message: one line, no markup, no mention."""
    text = one_line(text)
    if channel == "slack":
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.translate(_FULLWIDTH)


def _bold(text: str, channel: str) -> str:
    if channel == "slack":
        return f"*{text}*"
    if channel == "feishu":
        return text  # a text message has no emphasis
    return f"**{text}**"


def _name(digest: Digest, owner: str) -> str:
    person = digest.people.get(owner)
    return person.name if person is not None and person.name else owner


def mention(digest: Digest, owner: str, channel: str) -> tuple[str, str | None]:
    """How ``owner`` is named in ``channel``: a mention when their handle for the service
    is in ``people:``, else their display name. Returns (text, handle used)."""
    if owner == NOBODY:
        return "", None
    person = digest.people.get(owner)
    handle = person.handles.get(channel) if person is not None else None
    name = safe(_name(digest, owner), channel)
    if not handle or any(c in handle for c in '<>"&\n\r '):
        return f"({name})", None
    if channel == "wecom":
        return f"<@{handle}>", handle
    if channel == "feishu":
        return f'<at user_id="{handle}">{name}</at>', handle
    if channel == "dingtalk":
        return f"@{handle}", handle
    if channel == "slack":
        return f"<@{handle}>", handle
    return f"({name})", None


def _item_line(digest: Digest, item: Item, channel: str, lang: str) -> tuple[str, str | None]:
    said, handle = mention(digest, item.owner, channel)
    parts = [percent(item.progress) if item.progress is not None else "—"]
    if item.expected is not None:
        parts.append(word("expected", lang, value=percent(item.expected)))
    if item.confidence is not None:
        parts.append(word("confidence", lang, value=shown_confidence(item.confidence)))
    text = f"- {safe(item.id, channel)} {safe(item.title, channel)}: {', '.join(parts)}"
    return (f"{text} {said}" if said else text), handle


def _due_line(digest: Digest, due: Due, channel: str, lang: str) -> tuple[str, str | None]:
    said, handle = mention(digest, due.owner, channel)
    values = {"days": due.age, "cadence": safe(due.cadence, channel), "day": due.last}
    if due.kind == "check-in":
        detail = word("last_checkin" if due.last else "no_checkin", lang, **values)
    else:
        source = safe(due.source, channel)
        detail = word("last_data" if due.last else "no_data", lang, source=source, **values)
    text = f"- {safe(due.kr.path, channel)} {safe(due.title, channel)}: {detail}"
    return (f"{text} {said}" if said else text), handle


Line = tuple[str, str | None, str | None]  # text, handle mentioned, owner


def lines(digest: Digest, channel: str, lang: str) -> tuple[str, list[Line]]:
    """The heading and the lines of the digest, each with the handle it mentions."""
    head = [word("title", lang)]
    if digest.org:
        head.append(safe(digest.org, channel))
    head.append(safe(digest.cycle, channel))
    head.append(
        word("as_of", lang, day=digest.as_of)
        + (f" ({word('final', lang)})" if digest.final else "")
    )
    heading = _bold(" · ".join(head), channel)
    out: list[Line] = []
    sections: list[tuple[str, list[tuple[str, str | None, str]]]] = [
        (
            "off_track",
            [(*_item_line(digest, i, channel, lang), i.owner) for i in digest.off_track],
        ),
        ("at_risk", [(*_item_line(digest, i, channel, lang), i.owner) for i in digest.at_risk]),
        ("owed", [(*_due_line(digest, d, channel, lang), d.owner) for d in digest.owed]),
        ("stale", [(*_due_line(digest, d, channel, lang), d.owner) for d in digest.stale]),
    ]
    for key, rows in sections:
        if not rows:
            continue
        out.append((_bold(f"{word(key, lang)} ({len(rows)})", channel), None, None))
        out.extend(rows)
    if not out:
        out.append((word("all_clear", lang), None, None))
    return heading, out


def _body(channel: str, title: str, text: str, handles: list[str]) -> dict[str, Any]:
    if channel == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": text}}
    if channel == "feishu":
        return {"msg_type": "text", "content": {"text": text}}
    if channel == "dingtalk":
        mobiles = [h for h in handles if h.lstrip("+").isdigit()]
        users = [h for h in handles if not h.lstrip("+").isdigit()]
        return {
            "msgtype": "markdown",
            "markdown": {"title": title, "text": text},
            "at": {"atMobiles": mobiles, "atUserIds": users, "isAtAll": False},
        }
    return {"text": text}


def _size(channel: str, body: dict[str, Any]) -> int:
    limit_kind = LIMITS[channel][1]
    if limit_kind == "content":
        return len(body["markdown"]["content"].encode("utf-8"))
    if limit_kind == "chars":
        return len(body["text"])
    return len(json_out.dumps(body).encode("utf-8"))


def messages(digest: Digest, channel: str, lang: str) -> list[Message]:
    """The requests that post ``digest`` to ``channel``: as few as its size limit allows,
    each headed by the digest's title (and "part n of m" when split), no line cut in two
    (a line longer than a whole message is shortened with an ellipsis)."""
    if channel == "webhook":
        return [Message(as_dict(digest), tuple(digest.owners()))]
    heading, rows = lines(digest, channel, lang)
    limit = LIMITS[channel][0]
    title = one_line(word("title", lang) + " " + digest.cycle)
    # the heading of a part, with room for "part n of m"
    spare = f"{heading} ({word('part', lang, n=99, total=99)})"

    def build(chunk: list[Line], head: str) -> dict[str, Any]:
        text = "\n".join([head, *[r[0] for r in chunk]])
        handles = list(dict.fromkeys(h for _, h, _ in chunk if h))
        return _body(channel, title, text, handles)

    chunks: list[list[Line]] = [[]]
    for row in rows:
        row = _fit(row, lambda r: _size(channel, build([r], spare)) <= limit)
        if chunks[-1] and _size(channel, build([*chunks[-1], row], spare)) > limit:
            chunks.append([])
        chunks[-1].append(row)
    out = []
    for index, chunk in enumerate(chunks, start=1):
        head = heading
        if len(chunks) > 1:
            head = f"{heading} ({word('part', lang, n=index, total=len(chunks))})"
        owners = tuple(dict.fromkeys(o for _, h, o in chunk if h and o))
        out.append(Message(build(chunk, head), owners))
    return out


def _fit(row: Line, fits: Callable[[Line], bool]) -> Line:
    """``row`` shortened (with an ellipsis, its mention dropped) until it fits."""
    if fits(row):
        return row
    text = row[0]
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits
        middle = (low + high + 1) // 2
        if fits((text[:middle] + "…", None, None)):
            low = middle
        else:
            high = middle - 1
    return (text[:low] + "…", None, None)


def as_dict(digest: Digest) -> dict[str, Any]:
    """The digest as the generic webhook's JSON (``okrctl-digest``, version 1)."""

    def item(i: Item) -> dict[str, Any]:
        return {
            "kind": i.kind,
            "id": i.id,
            "title": i.title,
            "owner": None if i.owner == NOBODY else i.owner,
            "status": i.status.value,
            "progress": i.progress,
            "expected": i.expected,
            "confidence": i.confidence,
        }

    def due(d: Due) -> dict[str, Any]:
        return {
            "id": d.kr.path,
            "title": d.title,
            "owner": None if d.owner == NOBODY else d.owner,
            "cadence": d.cadence,
            "last": None if d.last is None else d.last.isoformat(),
            "age_days": d.age,
            "source": d.source,
        }

    people = {
        owner: {"name": p.name, "handles": dict(sorted(p.handles.items()))}
        for owner in digest.owners()
        if (p := digest.people.get(owner)) is not None
    }
    return {
        "format": "okrctl-digest",
        "version": 1,
        "okrctl": __version__,
        "org": digest.org,
        "cycle": digest.cycle,
        "as_of": digest.as_of.isoformat(),
        "final": digest.final,
        "off_track": [item(i) for i in digest.off_track],
        "at_risk": [item(i) for i in digest.at_risk],
        "owed": [due(d) for d in digest.owed],
        "stale": [due(d) for d in digest.stale],
        "people": people,
    }


def dry_run(found: list[Message], out: IO[str]) -> None:
    """The requests as JSON, one per line, for `--dry-run`."""
    for message in found:
        out.write(json_out.dumps(message.body) + "\n")
