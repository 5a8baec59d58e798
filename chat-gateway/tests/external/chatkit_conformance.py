#!/usr/bin/env python3
"""ChatKit wire conformance of chat-gateway, judged by the reference models (PyPI `openai-chatkit==1.6.5`).

Usage:
    chatkit_conformance.py URL [TOKEN] [--responder echo|scripted|failing|tasks]
    chatkit_conformance.py URL [TOKEN] --voice TEXT

URL is the gateway's ChatKit endpoint (e.g. http://127.0.0.1:PORT/chatkit). TOKEN is a Bearer token
for a user with no threads yet; when omitted it is read from $CHATKIT_TOKEN (which keeps it out of
`ps`). --responder names the responder the gateway runs, so the script knows what a turn streams:

    echo      chat_gateway::echo::EchoResponder { deltas: 3 }: one assistant message, 3 text deltas
    scripted  the `Scripted` responder of chat-gateway/tests/chatkit_conformance.rs: progress_update,
              a workflow item with one task added then updated, a notice, a client_effect, then the
              assistant message "Done: <user text>" in two deltas
    failing   a responder that fails with TurnError::Failed: one `error` event, nothing stored
    tasks     the offline agent over a real mcp-tasks: task widgets and their actions. Every widget
              (in events, in `items.list`, in `widget.root.updated`, in the sync answer) is checked
              node by node with its own strict `chatkit.widgets` class (`ListView`, `ListViewItem`,
              `Button`, `Badge` …, never `DynamicWidgetComponent`, which accepts anything) and every
              button's action with `chatkit.actions.ActionConfig`; `threads.sync_custom_action`
              answers with `SyncCustomActionResponse`; a batch delete's confirmation `Card` (its
              confirm/cancel `CardAction`s) and its answer; malformed actions are 4xx JSON errors.

--voice TEXT checks only `input.transcribe` against a gateway whose transcription service answers
TEXT: a WAV recording sent as the models build the request, the answer a `TranscriptionResult`
saying TEXT; a type outside the accepted ones and broken base64 are 4xx JSON errors.

Every request is validated with `ChatKitReq` before it is sent; every SSE event with
`ThreadStreamEvent`; every JSON answer with `Thread`, `Page[Thread]`, `Page[ThreadItem]` or `{}`.
Each payload is then dumped back the way the reference server serialises
(`by_alias`, `exclude_none`) and compared with what was received: a key the model drops, a default
the reference always sends but we left out, or a value the model had to coerce is a failure.
Explicit checks on top: SSE framing (`data: <compact json>\\n\\n`, nothing else), no `null`
anywhere, every `created_at` an RFC 3339 string ending in `Z`, `metadata: {}` on threads, the
event order of every op, pagination cursors, and 4xx JSON errors for unsupported ops.

Prints one line per check (`ok   …`); on the first failure prints `FAIL …` with the offending
payload and exits 1. Exits 2 on bad usage or when the models cannot be imported.
"""

from __future__ import annotations

import argparse
import warnings
import datetime as dt
import json
import os
import re
import sys
from typing import Any

try:
    import httpx
    from pydantic import TypeAdapter, ValidationError
    from chatkit import widgets as W
    from chatkit.actions import ActionConfig
    from chatkit.types import (
        Attachment,
        ChatKitReq,
        Page,
        SyncCustomActionResponse,
        Thread,
        TranscriptionResult,
        ThreadItem,
        ThreadStreamEvent,
        is_streaming_req,
    )
except ImportError as e:  # pragma: no cover - environment problem, said plainly
    print(
        f"chatkit_conformance.py: cannot import the reference models ({e}); run "
        "`pip install pydantic jinja2 httpx && pip install --no-deps openai-chatkit==1.6.5`",
        file=sys.stderr,
    )
    sys.exit(2)

# The named widget classes are deprecated for building widgets in Python; validating with them is fine.
warnings.simplefilter("ignore", DeprecationWarning)

REQ = TypeAdapter(ChatKitReq)
EVENT = TypeAdapter(ThreadStreamEvent)
THREAD = TypeAdapter(Thread)
THREAD_PAGE = TypeAdapter(Page[Thread])
ITEM_PAGE = TypeAdapter(Page[ThreadItem])
# Models of the JSON answers; None means the answer must be exactly {}.
ANSWER: dict[str, TypeAdapter | None] = {
    "threads.get_by_id": THREAD,
    "threads.update": THREAD,
    "threads.list": THREAD_PAGE,
    "items.list": ITEM_PAGE,
    "items.feedback": None,
    "threads.delete": None,
    "threads.sync_custom_action": TypeAdapter(SyncCustomActionResponse),
    "attachments.create": TypeAdapter(Attachment),
    "attachments.delete": None,
    "input.transcribe": TypeAdapter(TranscriptionResult),
}
ATTACHMENT = TypeAdapter(Attachment)
# The smallest PNG the gateway's magic-byte check accepts (signature and an IHDR chunk).
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
EMPTY_PAGE = {"data": [], "has_more": False}
TIMEOUT_S = 30

# What each responder writes per turn (see the module docstring).
FAILING_MESSAGE = "The model is busy; try again."
TURN_ITEMS = {
    "echo": ["assistant_message"],
    "scripted": ["workflow", "assistant_message"],
    "failing": [],
    "tasks": ["workflow", "widget", "assistant_message"],
    "attachments": ["assistant_message"],
}


class Failure(Exception):
    """A failed check: what, and the payload that failed it."""

    def __init__(self, what: str, payload: Any = None):
        super().__init__(what)
        self.payload = payload


checks_passed = 0


def ok(what: str) -> None:
    global checks_passed
    checks_passed += 1
    print(f"ok   {what}", flush=True)


def require(cond: bool, what: str, payload: Any = None) -> None:
    if not cond:
        raise Failure(what, payload)


# --- payload checks -------------------------------------------------------------------------


def parse_instant(s: str) -> dt.datetime:
    return dt.datetime.fromisoformat(s)


def nulls(value: Any, path: str = "$") -> list[str]:
    """Paths of every null: the reference omits them (exclude_none)."""
    if value is None:
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in nulls(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in nulls(v, f"{path}[{i}]")]
    return []


def bad_instants(value: Any, path: str = "$") -> list[str]:
    """Every `created_at` that is not an RFC 3339 UTC string ending in Z."""
    out = []
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "created_at":
                try:
                    good = (
                        isinstance(v, str)
                        and v.endswith("Z")
                        and parse_instant(v).utcoffset() == dt.timedelta(0)
                    )
                except ValueError:
                    good = False
                if not good:
                    out.append(f"{path}.{k} = {v!r}")
            else:
                out += bad_instants(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += bad_instants(v, f"{path}[{i}]")
    return out


def differences(raw: Any, back: Any, path: str = "$", request: bool = False) -> list[str]:
    """How `back` (the model's dump of `raw`) differs from `raw`.

    Keys in `raw` that `back` lacks were dropped by the model (unknown or misspelled). For
    responses, keys in `back` that `raw` lacks are defaults the reference always sends, and a
    changed value is one the model had to coerce. Requests get only the dropped-key check (the
    model fills in request defaults such as `metadata: {}`, which is fine)."""
    out: list[str] = []
    if isinstance(raw, dict) and isinstance(back, dict):
        for k, v in raw.items():
            if v is None:
                continue  # reported by the null check
            if k not in back:
                out.append(f"{path}.{k}: dropped by the model (not a field of this type)")
            else:
                out += differences(v, back[k], f"{path}.{k}", request)
        if not request:
            for k, v in back.items():
                if k not in raw:
                    out.append(f"{path}.{k}: missing; the reference always sends it (here {json.dumps(v)})")
    elif isinstance(raw, list) and isinstance(back, list):
        if len(raw) != len(back):
            out.append(f"{path}: {len(raw)} elements read back as {len(back)}")
        for i, (a, b) in enumerate(zip(raw, back)):
            out += differences(a, b, f"{path}[{i}]", request)
    elif request:
        pass
    elif path.endswith(".created_at") and isinstance(raw, str) and isinstance(back, str):
        if parse_instant(raw) != parse_instant(back):
            out.append(f"{path}: {raw!r} read back as {back!r}")
    elif type(raw) is not type(back) or raw != back:
        out.append(f"{path}: {raw!r} was coerced to {back!r}")
    return out


def validate(adapter: TypeAdapter, raw: Any, what: str, request: bool = False) -> Any:
    """Validates `raw` with the model, then checks the round trip loses and adds nothing."""
    try:
        obj = adapter.validate_python(raw)
    except ValidationError as e:
        raise Failure(f"{what}: rejected by the reference model:\n{e}", raw) from None
    back = adapter.dump_python(
        obj, mode="json", by_alias=True, exclude_none=True, context={"exclude_metadata": True}
    )
    diff = differences(raw, back, request=request)
    require(not diff, f"{what}: the round trip through the model differs:\n  " + "\n  ".join(diff), raw)
    if not request:
        require(not (n := nulls(raw)), f"{what}: null values (the reference omits them): {n}", raw)
        require(not (b := bad_instants(raw)), f"{what}: created_at not RFC 3339 UTC with Z: {b}", raw)
    return obj


def check_thread(thread: dict, what: str) -> None:
    require(thread.get("metadata") == {}, f"{what}: thread metadata is not {{}}", thread)


# --- transport ------------------------------------------------------------------------------

FRAME = re.compile(r"data: ([^\r\n]*)\n\n")


def sse_events(body: str) -> list[dict[str, str]]:
    """Parses an event stream the way the HTML spec's EventSource does: fields per line (CRLF, LF
    or CR), `:` comments ignored, one space after the colon dropped, data lines joined with LF,
    an event dispatched at each blank line."""
    events, data, fields = [], [], {}
    for line in re.split(r"\r\n|\r|\n", body):
        if line == "":
            if data:
                events.append({"event": fields.get("event", "message"), "data": "\n".join(data)})
            data, fields = [], {}
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            data.append(value)
        else:
            fields[name] = value
    return events


class Client:
    """Sends validated requests and checks every answer against the models."""

    def __init__(self, url: str, token: str):
        self.url = url
        self.http = httpx.Client(headers={"authorization": f"Bearer {token}"}, timeout=TIMEOUT_S)

    def request(self, req: dict) -> tuple[Any, bool]:
        parsed = validate(REQ, req, f"request {req['type']}", request=True)
        return parsed, is_streaming_req(parsed)

    def stream(self, req: dict) -> list[dict]:
        """A streaming op: every event, each validated; framing checked."""
        op = req["type"]
        _, streaming = self.request(req)
        require(streaming, f"{op} is a streaming op for the models")
        with self.http.stream("POST", self.url, json=req) as r:
            body = r.read().decode("utf-8")
            ct = r.headers.get("content-type", "")
            require(
                r.status_code == 200 and ct.startswith("text/event-stream"),
                f"{op}: HTTP {r.status_code} {ct!r}, expected 200 text/event-stream",
                body,
            )
        require(
            FRAME.sub("", body) == "",
            f"{op}: the body is not a sequence of `data: <json>\\n\\n` frames (no event:, id:, "
            "retry: or comment lines, like the reference)",
            body,
        )
        events = []
        for i, frame in enumerate(sse_events(body)):
            require(frame["event"] == "message", f"{op}: event {i} is a named event", frame)
            try:
                raw = json.loads(frame["data"])
            except ValueError:
                raise Failure(f"{op}: event {i} is not JSON", frame["data"]) from None
            compact = json.dumps(raw, separators=(",", ":"), ensure_ascii=False)
            require(compact == frame["data"], f"{op}: event {i} is not compact one-line JSON", frame["data"])
            obj = validate(EVENT, raw, f"{op} event {i} ({raw.get('type')})")
            if obj.type in ("thread.created", "thread.updated"):
                check_thread(raw["thread"], f"{op} event {i}")
            events.append(raw)
        require(events, f"{op}: the stream has no events", body)
        ok(f"{op}: {len(events)} events, each a valid ThreadStreamEvent, framed like the reference")
        return events

    def json(self, req: dict) -> Any:
        """A non-streaming op: its answer, validated with the op's model."""
        op = req["type"]
        _, streaming = self.request(req)
        require(not streaming, f"{op} is a non-streaming op for the models")
        r = self.http.post(self.url, json=req)
        ct = r.headers.get("content-type", "")
        require(
            r.status_code == 200 and ct.startswith("application/json"),
            f"{op}: HTTP {r.status_code} {ct!r}, expected 200 application/json",
            r.text,
        )
        raw = r.json()
        adapter = ANSWER[op]
        if adapter is None:
            require(raw == {}, f"{op}: the answer is not {{}}", raw)
        else:
            validate(adapter, raw, op)
            threads = [raw] if adapter is THREAD else raw["data"] if adapter is THREAD_PAGE else []
            for t in threads:
                check_thread(t, op)
        return raw

    def error(self, req: dict, what: str) -> dict:
        """An op the server refuses: a 4xx JSON `{"error": {"code", "message"}}`."""
        op = req["type"]
        self.request(req)
        r = self.http.post(self.url, json=req)
        ct = r.headers.get("content-type", "")
        require(
            400 <= r.status_code < 500 and ct.startswith("application/json"),
            f"{op} ({what}): HTTP {r.status_code} {ct!r}, expected a 4xx application/json error",
            r.text,
        )
        body = r.json()
        err = body.get("error") if isinstance(body, dict) else None
        require(
            isinstance(err, dict) and isinstance(err.get("code"), str) and isinstance(err.get("message"), str),
            f"{op} ({what}): expected {{\"error\": {{\"code\": str, \"message\": str}}}}",
            body,
        )
        ok(f"{op} ({what}): HTTP {r.status_code} with error.code {err['code']!r}")
        return body


# --- what a turn looks like -----------------------------------------------------------------


def types(events: list[dict]) -> list[str]:
    return [e["type"] for e in events]


def expect_turn(responder: str, events: list[dict], text: str, what: str) -> None:
    """Checks the responder's part of a stream (what follows `stream_options`)."""
    if responder == "failing":
        require(types(events) == ["error"], f"{what}: expected one error event", events)
        err = events[0]
        require(
            err == {"type": "error", "code": "custom", "message": FAILING_MESSAGE, "allow_retry": True},
            f"{what}: the error event is not code custom with the message and allow_retry",
            err,
        )
        ok(f"{what}: one error event, code custom, message and allow_retry true")
        return
    if responder == "scripted":
        head, events = events[:6], events[6:]
        require(
            types(head)
            == ["progress_update", "thread.item.added", "thread.item.updated", "thread.item.updated",
                "thread.item.done", "notice"],
            f"{what}: expected progress_update, workflow added/updated/updated/done, notice",
            head,
        )
        progress, added, task_added, task_updated, done, notice = head
        require(progress.get("icon") == "sparkle" and progress["text"], f"{what}: progress_update", progress)
        wf_id = added["item"]["id"]
        require(
            added["item"]["type"] == "workflow"
            and added["item"]["workflow"] == {"type": "custom", "tasks": [], "expanded": False},
            f"{what}: the workflow starts empty and collapsed",
            added,
        )
        task = {"status_indicator": "loading", "type": "custom", "title": "list_tasks", "content": "status: open"}
        require(
            task_added["item_id"] == wf_id
            and task_added["update"] == {"type": "workflow.task.added", "task_index": 0, "task": task},
            f"{what}: workflow.task.added",
            task_added,
        )
        task = {**task, "status_indicator": "complete"}
        require(
            task_updated["item_id"] == wf_id
            and task_updated["update"] == {"type": "workflow.task.updated", "task_index": 0, "task": task},
            f"{what}: workflow.task.updated",
            task_updated,
        )
        require(
            done["item"]["id"] == wf_id
            and done["item"]["workflow"]
            == {"type": "custom", "tasks": [task], "summary": {"title": "Checked 1 list"}, "expanded": False},
            f"{what}: the done workflow has the completed task and a summary",
            done,
        )
        require(
            notice == {"type": "notice", "level": "info", "message": "Reminders are **on**.", "title": "Note"},
            f"{what}: notice",
            notice,
        )
        effect, events = events[0], events[1:]
        require(
            effect == {"type": "client_effect", "name": "tasks_changed", "data": {"count": 1}},
            f"{what}: client_effect",
            effect,
        )
        ok(f"{what}: progress_update, workflow task added then updated, notice, client_effect")
        deltas, text = 2, f"Done: {text}"
    else:
        deltas = 3
    expected = (
        ["thread.item.added", "thread.item.updated"]
        + ["thread.item.updated"] * deltas
        + ["thread.item.updated", "thread.item.done"]
    )
    require(types(events) == expected, f"{what}: expected an assistant message streamed in {deltas} deltas", events)
    added, done = events[0], events[-1]
    msg_id = added["item"]["id"]
    require(
        added["item"]["type"] == "assistant_message" and added["item"]["content"] == [],
        f"{what}: the assistant message starts empty",
        added,
    )
    updates = [e["update"] for e in events[1:-1]]
    require(all(e["item_id"] == msg_id for e in events[1:-1]), f"{what}: updates name the added item", events)
    require(
        updates[0] == {"type": "assistant_message.content_part.added", "content_index": 0,
                       "content": {"annotations": [], "text": "", "type": "output_text"}},
        f"{what}: content_part.added",
        updates[0],
    )
    streamed = "".join(u["delta"] for u in updates[1:-1])
    part = {"annotations": [], "text": text, "type": "output_text"}
    require(streamed == text, f"{what}: the deltas add up to {text!r}", updates)
    require(
        updates[-1] == {"type": "assistant_message.content_part.done", "content_index": 0, "content": part},
        f"{what}: content_part.done carries the whole text",
        updates[-1],
    )
    require(
        done["item"]["id"] == msg_id and done["item"]["content"] == [part],
        f"{what}: thread.item.done carries the whole message",
        done,
    )
    ok(f"{what}: assistant message added, {deltas} deltas, part done, item done")


def message(text: str, **extra: Any) -> dict:
    return {"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}, **extra}


# --- the ops --------------------------------------------------------------------------------


def run(c: Client, responder: str) -> None:
    per_turn = TURN_ITEMS[responder]

    def create(text: str) -> tuple[dict, dict, list[dict]]:
        ev = c.stream({"type": "threads.create", "params": {"input": message(text)}})
        require(
            types(ev[:3]) == ["thread.created", "thread.item.done", "stream_options"],
            "threads.create: the stream starts thread.created, thread.item.done, stream_options",
            ev[:3],
        )
        thread, user = ev[0]["thread"], ev[1]["item"]
        require(thread["items"] == EMPTY_PAGE and "title" not in thread, "threads.create: a new thread", thread)
        require(
            user["type"] == "user_message"
            and user["thread_id"] == thread["id"]
            and user["content"] == [{"type": "input_text", "text": text}],
            "threads.create: thread.item.done is the user message",
            user,
        )
        require(ev[2]["stream_options"] == {"allow_cancel": True}, "threads.create: stream_options", ev[2])
        ok("threads.create: thread.created, then the user message, then stream_options")
        require(ev[-1]["type"] == "thread.updated", "threads.create: ends with thread.updated (the title)", ev[-1])
        updated = ev[-1]["thread"]
        require(
            updated["id"] == thread["id"] and updated["title"] == text and updated["items"] == EMPTY_PAGE,
            "threads.create: thread.updated carries the new title",
            updated,
        )
        same_thread(thread, updated, "thread.updated vs thread.created")
        expect_turn(responder, ev[3:-1], text, "threads.create")
        return thread, user, ev

    def same_thread(a: dict, b: dict, what: str) -> None:
        for key in ("id", "created_at", "status"):
            require(
                a.get(key) == b.get(key),
                f"{what}: the same thread has a different {key}: {a.get(key)!r} vs {b.get(key)!r}",
                {"first": a, "second": b},
            )
        ok(f"{what}: same id, created_at and status")

    def items(thread_id: str, **params: Any) -> dict:
        return c.json({"type": "items.list", "params": {"thread_id": thread_id, **params}})

    def all_pages(op: str, params: dict, limit: int) -> list[dict]:
        """Walks an op's pages with `after` cursors, checking the cursor rules on each page."""
        out, after, pages = [], None, 0
        while True:
            page = c.json({"type": op, "params": {**params, "limit": limit, **({"after": after} if after else {})}})
            pages += 1
            data = page["data"]
            require(len(data) <= limit, f"{op}: a page is longer than limit {limit}", page)
            if page["has_more"]:
                require(
                    len(data) == limit and page.get("after") == data[-1]["id"],
                    f"{op}: with has_more, `after` is the id of the page's last element",
                    page,
                )
                after = page["after"]
                out += data
                require(pages < 50, f"{op}: pagination does not end", page)
            else:
                require("after" not in page, f"{op}: the last page has no `after`", page)
                return out + data

    # threads.create, three times, and a rich add_user_message
    a, a_user, _ = create("Plan the week")
    tagged = message(
        "Second message",
        quoted_text="Plan the week",
        inference_options={"tool_choice": {"id": "search"}, "model": "gpt-x"},
    )
    tagged["content"].append(
        {"type": "input_tag", "id": "ent_1", "text": "Alice", "data": {"k": 1}, "group": "People", "interactive": False}
    )
    ev = c.stream({"type": "threads.add_user_message", "params": {"thread_id": a["id"], "input": tagged}})
    require(
        types(ev[:2]) == ["thread.item.done", "stream_options"],
        "threads.add_user_message: the stream starts thread.item.done, stream_options",
        ev[:2],
    )
    user = ev[0]["item"]
    require(
        user["type"] == "user_message"
        and user["content"] == tagged["content"]
        and user["quoted_text"] == tagged["quoted_text"]
        and user["inference_options"] == tagged["inference_options"]
        and user["attachments"] == [],
        "threads.add_user_message: the user message keeps content, tags, quoted_text and inference_options",
        user,
    )
    ok("threads.add_user_message: the user message, then stream_options, input kept whole")
    require("thread.updated" not in types(ev), "threads.add_user_message: no thread.updated (title already set)", ev)
    expect_turn(responder, ev[2:], "Second message Alice", "threads.add_user_message")
    b, _, _ = create("Buy milk")
    c_thread, _, _ = create("Call the plumber")

    # items.list: desc (default) and asc, walked with after cursors
    expected_kinds = ["user_message", *per_turn, "user_message", *per_turn]
    full_asc = items(a["id"], order="asc", limit=100)
    kinds = [i["type"] for i in full_asc["data"]]
    require(kinds == expected_kinds, f"items.list asc: expected {expected_kinds}", full_asc)
    require(full_asc["data"][0]["id"] == a_user["id"], "items.list asc: the first user message first", full_asc)
    ids_asc = [i["id"] for i in full_asc["data"]]
    ok(f"items.list asc: {len(ids_asc)} items oldest first")
    desc = items(a["id"])
    require([i["id"] for i in desc["data"]] == ids_asc[::-1], "items.list: newest first by default", desc)
    ok("items.list: desc by default")
    walked_desc = all_pages("items.list", {"thread_id": a["id"], "order": "desc"}, 2)
    require([i["id"] for i in walked_desc] == ids_asc[::-1], "items.list desc pages: newest first", walked_desc)
    ok("items.list desc, limit 2: after cursors walk every item once, newest first")
    walked_asc = all_pages("items.list", {"thread_id": a["id"], "order": "asc"}, 3)
    require([i["id"] for i in walked_asc] == ids_asc, "items.list asc pages: oldest first", walked_asc)
    ok("items.list asc, limit 3: after cursors walk every item once, oldest first")

    # threads.get_by_id: the thread as created, with its items oldest first
    got = c.json({"type": "threads.get_by_id", "params": {"thread_id": a["id"]}})
    require(got["title"] == "Plan the week", "threads.get_by_id: the title", got)
    require([i["id"] for i in got["items"]["data"]] == ids_asc, "threads.get_by_id: items oldest first", got)
    require(got["items"]["data"] == full_asc["data"], "threads.get_by_id: the same items as items.list", got)
    ok("threads.get_by_id: title and items oldest first, identical to items.list")
    same_thread(a, got, "threads.get_by_id vs thread.created")

    # threads.list: desc (default) and asc, walked with after cursors
    order = [c_thread["id"], b["id"], a["id"]]
    walked = all_pages("threads.list", {}, 2)
    require([t["id"] for t in walked] == order, "threads.list: newest first by default", walked)
    require(all(t["items"] == EMPTY_PAGE for t in walked), "threads.list: threads come with an empty page", walked)
    ok("threads.list, limit 2: after cursors walk every thread once, newest first, empty item pages")
    for t, created in zip(walked, [c_thread, b, a]):
        same_thread(created, t, f"threads.list vs thread.created ({t['id']})")
    walked = all_pages("threads.list", {"order": "asc"}, 2)
    require([t["id"] for t in walked] == order[::-1], "threads.list asc: oldest first", walked)
    ok("threads.list asc, limit 2: oldest first")

    # threads.retry_after_item: everything after the first user message goes, the turn replays
    ev = c.stream({"type": "threads.retry_after_item", "params": {"thread_id": a["id"], "item_id": a_user["id"]}})
    require(ev[0]["type"] == "stream_options", "threads.retry_after_item: stream_options first", ev)
    require("thread.updated" not in types(ev), "threads.retry_after_item: no thread.updated", ev)
    ok("threads.retry_after_item: stream_options first")
    expect_turn(responder, ev[1:], "Plan the week", "threads.retry_after_item")
    after_retry = items(a["id"], order="asc")
    require(
        [i["type"] for i in after_retry["data"]] == ["user_message", *per_turn]
        and after_retry["data"][0]["id"] == a_user["id"],
        "threads.retry_after_item: later items are gone, the turn replayed",
        after_retry,
    )
    ok("threads.retry_after_item: the later exchange is gone, the first replayed")

    # threads.custom_action: no responder here handles actions, so an error event
    ev = c.stream(
        {"type": "threads.custom_action", "params": {"thread_id": a["id"], "action": {"type": "save", "payload": {"k": "v"}}}}
    )
    require(types(ev) == ["stream_options", "error"], "threads.custom_action: stream_options then error", ev)
    require(ev[1]["code"] in ("custom", "stream.error"), "threads.custom_action: error code", ev[1])
    require(ev[1]["code"] != "custom" or ev[1].get("message"), "threads.custom_action: custom needs a message", ev[1])
    ok(f"threads.custom_action: stream_options, then a valid error event ({json.dumps(ev[1])})")

    # threads.update
    renamed = c.json({"type": "threads.update", "params": {"thread_id": a["id"], "title": "Renamed"}})
    require(
        renamed["id"] == a["id"] and renamed["title"] == "Renamed" and renamed["items"] == EMPTY_PAGE,
        "threads.update: the renamed thread with an empty item page",
        renamed,
    )
    same_thread(a, renamed, "threads.update vs thread.created")
    got = c.json({"type": "threads.get_by_id", "params": {"thread_id": a["id"]}})
    require(got["title"] == "Renamed", "threads.update: get_by_id sees the new title", got)
    ok("threads.update: renamed, and get_by_id agrees")

    # items.feedback
    last = after_retry["data"][-1]["id"]
    c.json({"type": "items.feedback", "params": {"thread_id": a["id"], "item_ids": [last], "kind": "positive"}})
    c.json({"type": "items.feedback", "params": {"thread_id": a["id"], "item_ids": [last], "kind": "negative"}})
    ok("items.feedback: {} for positive and negative")

    # threads.delete
    c.json({"type": "threads.delete", "params": {"thread_id": b["id"]}})
    ok("threads.delete: {}")
    c.error({"type": "threads.get_by_id", "params": {"thread_id": b["id"]}}, "a deleted thread")
    left = c.json({"type": "threads.list", "params": {}})
    require([t["id"] for t in left["data"]] == [c_thread["id"], a["id"]], "threads.delete: the thread is gone", left)
    ok("threads.delete: threads.list no longer has it")

    # refused attachments: a JSON error, not a model (the models have no error answer)
    c.error({"type": "attachments.create", "params": {"name": "a.zip", "size": 10, "mime_type": "application/zip"}}, "a type not accepted")
    c.error({"type": "attachments.delete", "params": {"attachment_id": "atc_1"}}, "an unknown attachment")
    # ops this server does not offer
    c.error(
        {"type": "input.transcribe", "params": {"audio_base64": "YWJj", "mime_type": "audio/webm;codecs=opus"}},
        "unsupported",
    )


# --- voice (--voice TEXT) -------------------------------------------------------------------


def run_voice(c: Client, expected: str) -> None:
    import base64
    import struct

    rate, samples = 16000, 16000 // 4
    pcm = b"".join(struct.pack("<h", (i * 37) % 2000 - 1000) for i in range(samples))
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    wav = b"RIFF" + struct.pack("<I", 36 + len(pcm)) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt
    wav += b"data" + struct.pack("<I", len(pcm)) + pcm
    audio = base64.b64encode(wav).decode()
    answer = c.json({"type": "input.transcribe", "params": {"audio_base64": audio, "mime_type": "audio/wav"}})
    require(answer == {"text": expected}, "input.transcribe: the service's text, and nothing else", answer)
    ok("input.transcribe: a TranscriptionResult with the transcript")
    c.error({"type": "input.transcribe", "params": {"audio_base64": audio, "mime_type": "audio/flac"}}, "a type not accepted")
    c.error({"type": "input.transcribe", "params": {"audio_base64": "%%%", "mime_type": "audio/wav"}}, "broken base64")


# --- task widgets and actions (--responder tasks) ---------------------------------------------

ACTION = TypeAdapter(ActionConfig)
STRICT_ROOTS = ("Card", "ListView")


def strict_widget(raw: Any, what: str, path: str = "$") -> int:
    """Validates a widget tree node by node, each with its own strict `chatkit.widgets` class
    (the union the item models use falls back to `DynamicWidgetComponent`, which accepts any
    object with a `type`), and each action config with `ActionConfig`; round trips must lose
    and add nothing. Returns the number of nodes checked."""
    require(isinstance(raw, dict), f"{what}: {path} is not an object", raw)
    kind = raw.get("type")
    if path == "$":
        require(kind in STRICT_ROOTS, f"{what}: the root is {kind!r}, not one of {STRICT_ROOTS}", raw)
    cls = getattr(W, str(kind), None)
    require(
        isinstance(cls, type)
        and issubclass(cls, W.WidgetComponentBase)
        and not issubclass(cls, W.DynamicWidgetComponent),
        f"{what}: {path} has type {kind!r}, which is not a strict chatkit.widgets component",
        raw,
    )
    validate(TypeAdapter(cls), raw, f"{what} {path} ({kind})")
    for key in ("onClickAction", "onChangeAction", "onSubmitAction"):
        if key in raw:
            action = raw[key]
            validate(ACTION, action, f"{what} {path}.{key}")
            require(action.get("handler") == "server", f"{what}: {path}.{key} is not a server action", action)
    checked = 1
    for i, child in enumerate(raw.get("children") or []):
        checked += strict_widget(child, what, f"{path}.children[{i}]")
    return checked


def task_rows(widget: dict) -> dict[int, dict]:
    """The rows of a task list by task number (from each row's button payloads)."""
    rows = {}
    for row in widget["children"]:
        numbers = {c["onClickAction"]["payload"]["number"] for c in row["children"] if "onClickAction" in c}
        require(len(numbers) == 1, "a task row's buttons all name its task", row)
        rows[numbers.pop()] = row
    return rows


def row_action(row: dict, kind: str) -> dict | None:
    """The action a row's button sends, as the widget would send it ({type, payload})."""
    for c in row["children"]:
        a = c.get("onClickAction")
        if a and a["type"] == kind:
            return {"type": a["type"], "payload": a["payload"]}
    return None


def picker_action(row: dict, day: str) -> dict | None:
    """What a row's DatePicker sends when `day` is picked: its onChangeAction, with the picked
    value under the picker's field name (as ChatKit sends a named control's value)."""
    for c in row["children"]:
        if c.get("type") == "DatePicker" and c.get("onChangeAction"):
            a = c["onChangeAction"]
            return {"type": a["type"], "payload": {**a["payload"], c["name"]: day}}
    return None


def widgets_in(events: list[dict]) -> list[dict]:
    return [e["item"] for e in events if e["type"] == "thread.item.done" and e["item"]["type"] == "widget"]


def run_tasks(c: Client) -> None:
    def turn(text: str, thread: str | None) -> tuple[str, list[dict]]:
        if thread is None:
            ev = c.stream({"type": "threads.create", "params": {"input": message(text)}})
            return ev[0]["thread"]["id"], ev
        ev = c.stream({"type": "threads.add_user_message", "params": {"thread_id": thread, "input": message(text)}})
        return thread, ev

    def action(op: str, thread: str, item: str, act: dict) -> Any:
        req = {"type": op, "params": {"thread_id": thread, "item_id": item, "action": act}}
        return c.stream(req) if op == "threads.custom_action" else c.json(req)

    thread, ev = turn("add buy milk tomorrow #errands", None)
    added = widgets_in(ev)
    require(len(added) == 1, "add: one widget item shows the new task", ev)
    n = strict_widget(added[0]["widget"], "add widget")
    ok(f"add_task: a ListView widget of {n} nodes, each valid under its strict chatkit.widgets class")
    turn("add call mom p1", thread)
    _, ev = turn("show my tasks", thread)
    listed = widgets_in(ev)[-1]
    n = strict_widget(listed["widget"], "list widget")
    rows = task_rows(listed["widget"])
    require(sorted(rows) == [1, 2], "list: one row per task", listed)
    require(
        listed["copy_text"].splitlines()[0].startswith("#1 buy milk"),
        "list: copy_text keeps the plain-text lines",
        listed,
    )
    ok(f"list_tasks: a ListView of 2 rows ({n} strict nodes), copy_text one line per task")
    item = listed["id"]

    page = c.json({"type": "items.list", "params": {"thread_id": thread, "order": "asc", "limit": 100}})
    stored = [i for i in page["data"] if i["type"] == "widget"]
    require(len(stored) == 3, "items.list: the three widget items are stored", page)
    for i, w in enumerate(stored):
        strict_widget(w["widget"], f"items.list widget {i}")
    require(all(i["type"] != "hidden_context_item" for i in page["data"]), "items.list: nothing hidden", page)
    ok("items.list: stored widgets are valid Page[ThreadItem] and strict widgets")

    # sync: complete #1
    answer = action("threads.sync_custom_action", thread, item, row_action(rows[1], "tasks.complete"))
    updated = answer.get("updated_item")
    require(updated and updated["id"] == item, "sync_custom_action: updated_item is the sending widget", answer)
    strict_widget(updated["widget"], "sync updated_item")
    after = task_rows(updated["widget"])
    require(row_action(after[1], "tasks.reopen") is not None, "sync: #1 now offers Reopen", updated)
    require("#1 buy milk · done" in updated["copy_text"], "sync: copy_text says #1 is done", updated)
    ok("threads.sync_custom_action tasks.complete: a valid SyncCustomActionResponse, row #1 updated")

    # streamed: snooze #2, reopen #1, delete #2
    for number, kind, effect in ((2, "tasks.snooze", "snooze"), (1, "tasks.reopen", "reopen"), (2, "tasks.delete", "delete")):
        act = row_action(after[number], kind)
        require(act is not None, f"{kind}: row #{number} has the button", after[number])
        ev = action("threads.custom_action", thread, item, act)
        require(
            types(ev) == ["stream_options", "thread.item.updated", "client_effect"],
            f"custom_action {kind}: stream_options, thread.item.updated, client_effect",
            ev,
        )
        update = ev[1]
        require(
            update["item_id"] == item and update["update"]["type"] == "widget.root.updated",
            f"custom_action {kind}: widget.root.updated of the sending widget",
            update,
        )
        strict_widget(update["update"]["widget"], f"custom_action {kind} widget.root.updated")
        require(
            ev[2] == {"type": "client_effect", "name": "tasks.changed", "data": {"action": effect, "numbers": [number]}},
            f"custom_action {kind}: the tasks.changed client effect",
            ev[2],
        )
        after = task_rows(update["update"]["widget"])
        ok(f"threads.custom_action {kind}: widget.root.updated (strict widget), client_effect tasks.changed")
    require(sorted(after) == [1] and row_action(after[1], "tasks.complete"), "#2 deleted, #1 reopened", after)

    # streamed: move #1 with its row's DatePicker (a strict component with an onChangeAction)
    day = (dt.date.today() + dt.timedelta(days=9)).isoformat()
    act = picker_action(after[1], day)
    require(act is not None and act["type"] == "tasks.move", "row #1 has a DatePicker sending tasks.move", after[1])
    ev = action("threads.custom_action", thread, item, act)
    require(
        types(ev) == ["stream_options", "thread.item.updated", "client_effect"],
        "custom_action tasks.move: stream_options, thread.item.updated, client_effect",
        ev,
    )
    strict_widget(ev[1]["update"]["widget"], "custom_action tasks.move widget.root.updated")
    require(ev[2]["data"] == {"action": "move", "numbers": [1]}, "tasks.move: the tasks.changed effect", ev[2])
    moved = task_rows(ev[1]["update"]["widget"])[1]
    picker = next(c for c in moved["children"] if c["type"] == "DatePicker")
    require(picker.get("defaultValue", "").startswith(day), "tasks.move: the row's picker shows the new day", picker)
    ok("threads.custom_action tasks.move: the DatePicker's day sent, the row moved (strict widget), effect sent")
    after = task_rows(ev[1]["update"]["widget"])

    got = c.json({"type": "threads.get_by_id", "params": {"thread_id": thread}})
    last = [i for i in got["items"]["data"] if i["id"] == item]
    require(last and task_rows(last[0]["widget"]).keys() == {1}, "get_by_id: the widget as last updated", got)
    ok("threads.get_by_id: the stored widget is the updated one")

    # a batch delete asks first: a strict Card with confirm/cancel footer actions
    turn("add call dad", thread)
    _, ev = turn("delete 1 and 3", thread)
    card = widgets_in(ev)[-1]
    n = strict_widget(card["widget"], "confirmation card")
    for key in ("confirm", "cancel"):
        validate(ACTION, card["widget"][key]["action"], f"confirmation card {key} action")
    ok(f"delete 1 and 3: a confirmation Card ({n} strict nodes) with confirm and cancel ActionConfigs")
    cancel = card["widget"]["cancel"]["action"]
    ev = action("threads.custom_action", thread, card["id"], {"type": cancel["type"], "payload": cancel["payload"]})
    require(types(ev) == ["stream_options", "thread.item.updated"], "cancel: the card is updated, no effect", ev)
    strict_widget(ev[1]["update"]["widget"], "cancelled card")
    require("confirm" not in ev[1]["update"]["widget"], "cancel: the answered card has no actions", ev[1])
    ok("threads.custom_action tasks.cancel: the card answered in place (strict Card), nothing changed")

    # "all" of a filter asks first too: a strict Card naming the tasks it resolved to
    turn("complete 3", thread)
    _, ev = turn("delete all completed tasks", thread)
    card = widgets_in(ev)[-1]
    n = strict_widget(card["widget"], "all-batch confirmation card")
    require("#3" in card["copy_text"] and "call dad" in card["copy_text"], "delete all completed: names #3", card)
    cancel = card["widget"]["cancel"]["action"]
    ev = action("threads.custom_action", thread, card["id"], {"type": cancel["type"], "payload": cancel["payload"]})
    strict_widget(ev[1]["update"]["widget"], "cancelled all-batch card")
    ok(f"delete all completed tasks: a confirmation Card ({n} strict nodes) naming #3, cancelled in place")

    for bad, what in (
        ({"type": "tasks.complete", "payload": {"number": "one"}}, "a non-numeric task number"),
        ({"type": "tasks.complete"}, "no payload"),
        ({"type": "tasks.explode", "payload": {"number": 1}}, "an unknown action type"),
        ({"type": "tasks.complete", "payload": {"number": 99}}, "a task the widget does not list"),
        ({"type": "tasks.move", "payload": {"number": 1, "date": "2026-02-30"}}, "a day that does not exist"),
        ({"type": "tasks.move", "payload": {"number": 1}}, "a move with no day"),
    ):
        for op in ("threads.custom_action", "threads.sync_custom_action"):
            c.error({"type": op, "params": {"thread_id": thread, "item_id": item, "action": bad}}, what)


# --- attachments, two-phase (--responder attachments, the echo responder) -------------------


def run_attachments(c: Client) -> None:
    def upload(created: dict, name: str, mime: str, data: bytes) -> dict:
        d = created["upload_descriptor"]
        require(d["method"] == "POST" and d["url"].startswith("http"), "upload_descriptor: absolute URL, POST", d)
        r = c.http.request(d["method"], d["url"], headers=d["headers"], files={"file": (name, data, mime)})
        require(r.status_code == 200, f"upload {name}: HTTP {r.status_code}", r.text)
        raw = r.json()
        validate(ATTACHMENT, raw, f"upload {name} answer")
        require("upload_descriptor" not in raw and raw["id"] == created["id"], "the uploaded attachment has no descriptor", raw)
        return raw

    image = c.json({"type": "attachments.create", "params": {"name": "list.png", "size": len(PNG), "mime_type": "image/png"}})
    require(image["type"] == "image" and image["id"].startswith("atc_") and image["preview_url"].startswith("http"),
            "attachments.create image: type image, atc_ id, preview_url", image)
    text = b"buy milk\ncall mom\n"
    file = c.json({"type": "attachments.create", "params": {"name": "list.txt", "size": len(text), "mime_type": "text/plain"}})
    require(file["type"] == "file" and "preview_url" not in file, "attachments.create file: type file, no preview", file)
    ok("attachments.create: image and file, each a valid Attachment with an upload_descriptor")
    image = upload(image, "list.png", "image/png", PNG)
    file = upload(file, "list.txt", "text/plain", text)
    ok("upload: multipart `file` to the descriptor's URL answers the Attachment without a descriptor")
    preview = httpx.get(image["preview_url"], timeout=TIMEOUT_S)
    require(preview.status_code == 200 and preview.content == PNG and preview.headers["content-type"] == "image/png",
            "preview_url shows the image without a token", preview.status_code)
    ok("preview_url: the image's bytes, image/png")

    input_ = message("add these", attachments=[image["id"], file["id"]])
    events = c.stream({"type": "threads.create", "params": {"input": input_}})
    done = [e for e in events if e["type"] == "thread.item.done" and e["item"]["type"] == "user_message"]
    require(len(done) == 1, "threads.create: one user message", events)
    item = done[0]["item"]
    thread_id = item["thread_id"]
    carried = item["attachments"]
    require([a["id"] for a in carried] == [image["id"], file["id"]], "the user message carries both attachments", item)
    for a in carried:
        validate(ATTACHMENT, a, f"attachment {a['name']} in the user message")
        require(a["thread_id"] == thread_id and "upload_descriptor" not in a, "each names its thread, no descriptor", a)
    ok("threads.create: the user_message item carries the full Attachment objects with thread_id")
    page = c.json({"type": "items.list", "params": {"thread_id": thread_id, "order": "asc"}})
    require(page["data"][0]["attachments"][1] == carried[1], "items.list reads the attachments back", page)
    ok("items.list: the stored user message carries them too")

    spare = c.json({"type": "attachments.create", "params": {"name": "spare.txt", "size": 3, "mime_type": "text/plain"}})
    c.json({"type": "attachments.delete", "params": {"attachment_id": spare["id"]}})
    c.error({"type": "attachments.delete", "params": {"attachment_id": spare["id"]}}, "deleted already")
    ok("attachments.delete: {} then not found")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("token", nargs="?", default=os.environ.get("CHATKIT_TOKEN"))
    parser.add_argument("--responder", choices=sorted(TURN_ITEMS), default="echo")
    parser.add_argument("--voice", metavar="TEXT", help="check input.transcribe only; the service answers TEXT")
    args = parser.parse_args()
    if not args.token:
        parser.error("TOKEN is required (argument or $CHATKIT_TOKEN)")
    client = Client(args.url, args.token)
    try:
        if args.voice is not None:
            run_voice(client, args.voice)
        elif args.responder == "tasks":
            run_tasks(client)
        elif args.responder == "attachments":
            run_attachments(client)
        else:
            run(client, args.responder)
    except Failure as f:
        print(f"FAIL {f}", flush=True)
        if f.payload is not None:
            shown = f.payload if isinstance(f.payload, str) else json.dumps(f.payload, indent=2, ensure_ascii=False)
            print(f"     payload:\n{shown}", flush=True)
        return 1
    except httpx.HTTPError as e:
        print(f"FAIL transport: {type(e).__name__}: {e}", flush=True)
        return 1
    what = "voice" if args.voice is not None else f"{args.responder} responder"
    print(f"chatkit conformance ({what}): all {checks_passed} checks ok", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
