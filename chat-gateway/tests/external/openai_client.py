#!/usr/bin/env python3
"""chat-gateway's /v1 driven by the official OpenAI Python client (PyPI `openai==3.51.0`).

Usage:
    openai_client.py BASE_URL DEAD_BASE_URL

BASE_URL is a gateway's /v1 (e.g. http://127.0.0.1:PORT/v1) running the offline agent with a real
mcp-tasks; DEAD_BASE_URL a gateway whose model is down, so every turn fails after the user message
is stored. The user's JWT, the client's API key, is read from $OPENAI_TEST_TOKEN (kept out of `ps`);
the user has no threads or tasks yet on either gateway.

Checks, as an app using the client would see them: models.list; chat.completions.create without
and with streaming; with_raw_response to read X-Conversation-Id; the conversation continued by
sending it back (extra_headers); the tool calls in `metadata`; and the exception classes:
AuthenticationError for a bad key, NotFoundError for another model or an unknown conversation,
BadRequestError for a request without a user message, InternalServerError for a failed turn (not
retried: the client honours x-should-retry), APIError for a failure inside a stream.

Prints one line per check (`ok   …`); on the first failure prints `FAIL …` and exits 1. Exits 2 on
bad usage or when the client cannot be imported.
"""

from __future__ import annotations

import os
import sys
from typing import Any

try:
    import openai
    from openai import OpenAI
except ImportError as e:  # pragma: no cover - environment problem, said plainly
    print(f"openai_client.py: cannot import openai ({e}); run `pip install openai==3.51.0`", file=sys.stderr)
    sys.exit(2)

MODEL = "task-assistant"


def check(cond: bool, what: str, detail: Any = "") -> None:
    if not cond:
        print(f"FAIL {what}: {detail}")
        sys.exit(1)
    print(f"ok   {what}")


def raises(cls: type[BaseException], what: str, call) -> BaseException:
    try:
        call()
    except cls as e:  # the class we expect, or a subclass
        check(True, f"{what} raises {cls.__name__}")
        return e
    except Exception as e:  # noqa: BLE001 - report the class we got
        check(False, f"{what} raises {cls.__name__}", f"got {type(e).__name__}: {e}")
    check(False, f"{what} raises {cls.__name__}", "nothing was raised")
    raise AssertionError("unreachable")


def metadata(obj: Any) -> dict:
    """The gateway's `metadata`, whichever way the client kept it."""
    data = obj.model_dump().get("metadata")
    check(isinstance(data, dict), "the object carries the gateway's metadata", obj)
    return data


def user(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


def main() -> None:
    if len(sys.argv) != 3 or not os.environ.get("OPENAI_TEST_TOKEN"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    base, dead_base = sys.argv[1], sys.argv[2]
    token = os.environ["OPENAI_TEST_TOKEN"]
    print(f"openai {openai.__version__}")
    client = OpenAI(base_url=base, api_key=token, timeout=30)

    models = [m.id for m in client.models.list()]
    check(models == [MODEL], "models.list lists task-assistant only", models)
    check(client.models.retrieve(MODEL).id == MODEL, "models.retrieve finds it")

    raw = client.chat.completions.with_raw_response.create(model=MODEL, messages=user("add buy milk"))
    conversation = raw.headers.get("x-conversation-id")
    check(bool(conversation) and conversation.startswith("thr_"), "X-Conversation-Id is returned", raw.headers)
    completion = raw.parse()
    check(isinstance(completion, openai.types.chat.ChatCompletion), "the answer parses as a ChatCompletion")
    check(completion.object == "chat.completion" and completion.model == MODEL, "object and model", completion)
    choice = completion.choices[0]
    check(choice.finish_reason == "stop" and choice.message.role == "assistant", "one stopped assistant choice")
    check("buy milk" in (choice.message.content or ""), "the reply says what was done", choice.message.content)
    check(completion.usage is not None and completion.usage.total_tokens > 0, "usage is estimated")
    meta = metadata(completion)
    check(meta.get("conversation_id") == conversation, "metadata names the conversation", meta)
    calls = meta.get("tool_calls") or []
    check([c.get("name") for c in calls] == ["add_task"], "the add_task call ran server-side", calls)
    check(calls[0]["arguments"].get("title") == "buy milk" and calls[0]["status"] == "ok", "with its arguments")
    check(choice.message.tool_calls is None, "no tool call is handed to the client", choice.message)

    raw = client.chat.completions.with_raw_response.create(
        model=MODEL,
        messages=user("show my tasks"),
        stream=True,
        stream_options={"include_usage": True},
        extra_headers={"X-Conversation-Id": conversation},
    )
    check(raw.headers.get("x-conversation-id") == conversation, "a stream continues the same conversation")
    chunks = list(raw.parse())
    check(all(isinstance(c, openai.types.chat.ChatCompletionChunk) for c in chunks), "every chunk parses")
    check(chunks[0].choices[0].delta.role == "assistant", "the first chunk carries the role")
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    check("buy milk" in text, "the streamed text lists the task added earlier", text)
    finish = [c for c in chunks if c.choices and c.choices[0].finish_reason]
    check(len(finish) == 1 and finish[0].choices[0].finish_reason == "stop", "one chunk finishes with stop")
    calls = metadata(finish[0]).get("tool_calls") or []
    check([c.get("name") for c in calls] == ["list_tasks"], "the finishing chunk reports list_tasks", calls)
    check(chunks[-1].usage is not None and not chunks[-1].choices, "a usage chunk ends the stream")

    again = client.chat.completions.create(
        model=MODEL, messages=user("hello"), extra_headers={"X-Conversation-Id": conversation}
    )
    check(metadata(again).get("conversation_id") == conversation, "a third turn lands in the same thread")

    bad = OpenAI(base_url=base, api_key="not-a-jwt", timeout=30, max_retries=0)
    raises(openai.AuthenticationError, "models.list with a bad key", lambda: bad.models.list())
    raises(openai.AuthenticationError, "a completion with a bad key",
           lambda: bad.chat.completions.create(model=MODEL, messages=user("hi")))
    e = raises(openai.NotFoundError, "another model",
               lambda: client.chat.completions.create(model="gpt-4o", messages=user("hi")))
    check(getattr(e, "code", None) == "model_not_found", "its code is model_not_found", e)
    raises(openai.NotFoundError, "an unknown conversation",
           lambda: client.chat.completions.create(
               model=MODEL, messages=user("hi"), extra_headers={"X-Conversation-Id": "thr_nope"}))
    e = raises(openai.BadRequestError, "no user message",
               lambda: client.chat.completions.create(model=MODEL, messages=[{"role": "system", "content": "x"}]))
    check(getattr(e, "param", None) == "messages", "its param is messages", e)

    down = OpenAI(base_url=dead_base, api_key=token, timeout=30)  # default retries: the header stops them
    e = raises(openai.InternalServerError, "a failed turn",
               lambda: down.chat.completions.create(model=MODEL, messages=user("add buy milk")))
    check(e.status_code == 502 and getattr(e, "code", None) == "turn_failed", "502 turn_failed", e)
    check(e.response.headers.get("x-conversation-id", "").startswith("thr_"), "names the conversation kept")

    def stream_down() -> None:
        for _ in down.chat.completions.create(model=MODEL, messages=user("add buy eggs"), stream=True):
            pass

    e = raises(openai.APIError, "a turn failing inside a stream", stream_down)
    check("unavailable" in str(e), "with the user's message", e)
    print("all checks passed")


if __name__ == "__main__":
    main()
