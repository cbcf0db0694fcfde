"""Post chat messages to a webhook: a timeout per request, retries with exponential
backoff on 5xx, 429 and the services' own rate-limit codes, and a service-level error in a
200 reply (WeCom's and DingTalk's ``errcode``, Feishu's ``code``) taken as the failure it is.

The webhook's key or token is a secret: every message okrctl prints names the webhook
by ``mask(url)`` (host and the plain words of its path; keys, tokens and ids as ``***``),
and any text a service sends back is masked the same way before it is shown.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from okrctl.core.errors import OkrctlError
from okrctl.render.chat import Message
from okrctl.render.escape import one_line

# service codes in a 200 reply that mean "too many messages": retried like a 429
# (WeCom 45009, DingTalk 130101, Feishu 11232)
RATE_LIMITED = {"wecom": {45009}, "dingtalk": {130101}, "feishu": {11232}}
MAX_WAIT = 60.0  # seconds: the longest Retry-After okrctl honours
_WORD = re.compile(r"^[A-Za-z][A-Za-z_-]{0,15}$")
MAX_REPLY = 64 * 1024  # bytes of a reply read


class WebhookError(OkrctlError):
    """The webhook did not take the digest (exit 2)."""


def secrets(url: str) -> list[str]:
    """The parts of ``url`` that are credentials: query values, user info, and path
    segments that are not plain words (a Feishu hook id, a Slack token path)."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return [url]
    found = [v for _, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=False)]
    if parts.username:
        found.append(parts.username)
    if parts.password:
        found.append(parts.password)
    found += [s for s in parts.path.split("/") if s and not _WORD.match(s)]
    return sorted({s for s in found if len(s) >= 3}, key=len, reverse=True)


def mask(url: str) -> str:
    """``url`` safe to print: ``https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***``."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:  # a port that is not a number, a malformed host
        return "(a malformed URL)"
    host = parts.hostname or ""
    if port:
        host += f":{port}"
    path = "/".join(s if not s or _WORD.match(s) else "***" for s in parts.path.split("/"))
    query = "&".join(f"{k}=***" for k, _ in urllib.parse.parse_qsl(parts.query))
    return one_line(f"{parts.scheme}://{host}{path}" + (f"?{query}" if query else ""))


def scrub(text: str, url: str) -> str:
    """``text`` with every secret of ``url`` replaced by ``***``."""
    for secret in secrets(url):
        text = text.replace(secret, "***")
        text = text.replace(urllib.parse.quote(secret, safe=""), "***")
    return text


def wait(seconds: float) -> None:
    """Wait before a retry (the one place tests replace)."""
    time.sleep(seconds)


@dataclass(frozen=True, slots=True)
class Delivery:
    attempts: int
    status: int


def check_url(url: str) -> None:
    """Refuse (exit 2, masked) what is not an http(s) URL that can be sent as is."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = urllib.parse.urlsplit("")
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url)
    ):
        raise WebhookError(
            f"--webhook {mask(url)!r} is not an http(s) URL",
            hint="give the webhook address the chat service showed when the bot was added",
        )


def post(
    url: str,
    message: Message,
    channel: str,
    *,
    timeout: float,
    retries: int,
    backoff: float,
    sleep: Callable[[float], None] | None = None,
) -> Delivery:
    """POST ``message``; retries ``retries`` times after the first attempt, waiting
    ``backoff`` x 2^n seconds (or the reply's Retry-After, at most 60 s). Raises
    WebhookError with the masked URL when the service never takes it."""
    shown = mask(url)
    last = ""
    delay = backoff
    for attempt in range(retries + 1):
        if attempt:
            (sleep or wait)(delay)
        delay = backoff * 2**attempt  # before the next attempt, unless told otherwise
        request = urllib.request.Request(
            url,
            data=message.data(),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "okrctl",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as reply:
                status = reply.status
                body = reply.read(MAX_REPLY)
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read(MAX_REPLY)
            error.close()
            last = f"HTTP {status}{_said(body, url)}"
            if status == 429 or status >= 500:
                delay = _retry_after(error.headers.get("Retry-After"), delay)
                continue
            raise WebhookError(
                f"{shown} refused the message: {last}",
                hint=_hint(channel, status),
            ) from None
        except ValueError:  # an URL http.client refuses; its message would show the key
            raise WebhookError(
                f"{shown} is not a URL that can be sent", hint="check the webhook address"
            ) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            last = "timed out" if "timed out" in str(reason) else scrub(one_line(str(reason)), url)
            continue
        code, said = _service_error(channel, body)
        if code is None:
            return Delivery(attempt + 1, status)
        last = f"{channel} error {code}: {scrub(one_line(said), url)}"
        if code in RATE_LIMITED.get(channel, set()):
            continue
        raise WebhookError(
            f"{shown} answered HTTP {status} with {last}", hint=_hint(channel, status)
        )
    raise WebhookError(
        f"{shown} did not take the message after {retries + 1} attempts (last: {last})",
        hint="the service may be down or limiting the rate; try again later",
    )


def _said(body: bytes, url: str) -> str:
    text = body.decode("utf-8", "replace").strip()
    return f": {scrub(one_line(text[:300]), url)}" if text else ""


def _retry_after(value: str | None, default: float) -> float:
    try:
        seconds = float(value) if value else default
    except ValueError:
        return default
    return min(max(seconds, 0.0), MAX_WAIT)


def _service_error(channel: str, body: bytes) -> tuple[int | str | None, str]:
    """The service-level error of a 2xx reply, or (None, "")."""
    if channel == "slack":
        text = body.decode("utf-8", "replace").strip()
        return (None, "") if text in ("ok", "") else (text[:100], text)
    if channel == "webhook":
        return None, ""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return "reply", "not JSON: " + body[:200].decode("utf-8", "replace")
    if not isinstance(data, dict):
        return "reply", "unexpected reply"
    for key, text in (("errcode", "errmsg"), ("code", "msg"), ("StatusCode", "StatusMessage")):
        code = data.get(key)
        if isinstance(code, int) and not isinstance(code, bool):
            return (None, "") if code == 0 else (code, str(data.get(text, "")))
    return "reply", "no errcode or code in the reply"


def _hint(channel: str, status: int) -> str:
    if status in (401, 403, 404) or channel in ("wecom", "dingtalk", "feishu"):
        return (
            "check the webhook address and the bot's security settings (keyword, IP "
            "allow-list, signature); nothing else was sent"
        )
    return "check the webhook address; nothing else was sent"
