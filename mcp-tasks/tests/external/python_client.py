#!/usr/bin/env python3
"""Drives mcp-tasks with the official MCP Python SDK (PyPI `mcp==2.3.0`) and checks what comes back.

Usage:
    python_client.py stdio [BINARY]   # spawns `BINARY stdio --user alice` (default: $MCP_TASKS_BIN)
    python_client.py http [URL]       # URL of /mcp (default: $MCP_TASKS_URL)

Options: --mode legacy|auto|both (default both). `legacy` is the initialize handshake
(protocol 2025-11-25); `auto` is the SDK's default (server/discover, 2026-07-28).

Environment:
    stdio: TASKS_DATABASE_URL (passed to the server; default a fresh temporary SQLite file),
           TASKS_DEFAULT_TZ and RUST_LOG (passed on if set).
    http:  MCP_TASKS_ALICE_TOKEN and MCP_TASKS_BOB_TOKEN: Bearer tokens for two users
           (tokens are read from the environment, never argv, so they stay out of `ps`).

Prints one line per check (`ok   …` / `FAIL …`). Exits 0 when every check passed, 1 when any
failed (each run stops at its first failure; the other runs still go ahead), 2 on bad usage.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import sys
import tempfile
import uuid
from typing import Any
from zoneinfo import ZoneInfo

try:
    import httpx2
    import mcp.types as types
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters
    from mcp.client.streamable_http import streamable_http_client
except ImportError as e:  # pragma: no cover - environment problem, said plainly
    sys.exit(f"python_client.py: cannot import the MCP SDK ({e}); run `pip install mcp==2.3.0`")

TOOLS = {
    "add_task",
    "list_tasks",
    "complete_task",
    "delete_task",
    "update_task",
    "search_tasks",
    "set_priority",
    "add_tags",
    "schedule_reminder",
    "get_recurring_tasks",
    "analytics_summary",
}
EXPECTED_VERSION = {"legacy": "2025-11-25", "auto": "2026-07-28"}
DUE_REMINDERS = "tasks://reminders/due"
CALL_TIMEOUT_S = 20
RUN_TIMEOUT_S = 90


class CheckFailed(Exception):
    """A check did not hold; the message says what was expected and what came instead."""


class Run:
    """One client session (a transport in one mode): numbered checks, printed as they pass."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.passed = 0

    def ok(self, what: str) -> None:
        self.passed += 1
        print(f"ok   {self.label}: {what}", flush=True)

    def check(self, cond: bool, what: str, detail: Any = None) -> None:
        if not cond:
            extra = f": got {_short(detail)}" if detail is not None else ""
            raise CheckFailed(f"{what}{extra}")
        self.ok(what)


def _short(value: Any, limit: int = 600) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str, sort_keys=True)
    return text if len(text) <= limit else text[:limit] + "…"


def _text(result: types.CallToolResult) -> str:
    return " ".join(getattr(c, "text", "") for c in result.content)


async def call_ok(run: Run, client: Client, tool: str, args: dict[str, Any]) -> dict[str, Any]:
    """Calls `tool`, which must succeed with structured content that the SDK validated."""
    result = await client.call_tool(tool, args, read_timeout_seconds=CALL_TIMEOUT_S)
    if result.is_error:
        raise CheckFailed(f"{tool}({_short(args)}) returned isError: {_text(result)}")
    data = result.structured_content
    if not isinstance(data, dict):
        raise CheckFailed(f"{tool} returned no structuredContent object: {_short(data)}")
    # call_tool validates structuredContent against the tool's outputSchema and raises on a
    # mismatch; it compiles (and caches) a validator only when it actually validates, so its
    # presence proves the validation ran for this tool rather than being skipped.
    if tool not in client.session._tool_output_validators:  # noqa: SLF001 (pinned SDK 2.3.0)
        raise CheckFailed(f"the SDK did not validate {tool}'s structuredContent against its outputSchema")
    return data


async def call_err(client: Client, tool: str, args: dict[str, Any]) -> str:
    """Calls `tool`, which must fail in-band (isError: true); returns the message."""
    result = await client.call_tool(tool, args, read_timeout_seconds=CALL_TIMEOUT_S)
    if not result.is_error:
        raise CheckFailed(f"{tool}({_short(args)}) should be isError, got {_short(result.structured_content)}")
    return _text(result)


def _is_monday_9am(stamp: str) -> bool:
    """Whether `YYYY-MM-DD HH:MM` is a Monday at 09:00."""
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})", stamp)
    return bool(m) and dt.date.fromisoformat(m.group(1)).weekday() == 0 and m.group(2) == "09:00"


async def tool_checks(run: Run, client: Client, mode: str, bob: Client | None) -> None:
    """Every tool, the error channel, the resource and (with `bob`) per-user isolation."""
    run.check(
        client.protocol_version == EXPECTED_VERSION[mode],
        f"negotiated protocol {EXPECTED_VERSION[mode]}",
        client.protocol_version,
    )

    listed = await client.list_tools()
    names = sorted(t.name for t in listed.tools)
    run.check(set(names) == TOOLS and len(names) == len(TOOLS), "tools/list has exactly the eleven tools", names)
    for tool in listed.tools:
        for field, schema in (("inputSchema", tool.input_schema), ("outputSchema", tool.output_schema)):
            if not isinstance(schema, dict) or schema.get("type") != "object":
                raise CheckFailed(f"{tool.name} has no object {field}: {_short(schema)}")
    run.ok("every tool has an object inputSchema and outputSchema")

    tag = "zq" + uuid.uuid4().hex[:10]  # a word no other run's task contains, for search
    title = f"Buy oat milk {tag}"
    asked_at = dt.datetime.now(dt.timezone.utc)
    data = await call_ok(run, client, "add_task", {
        "title": title, "due": "tomorrow 5pm", "priority": "p1", "tags": ["Errands", "#shopping"],
    })
    created = data.get("created") or [{}]
    task = created[0]
    number = task.get("number")
    due = task.get("due") or {}
    tz_name = due.get("timezone") or "UTC"
    # Tomorrow as of the call; a midnight passing during the call makes either day right.
    tomorrow = {(t.astimezone(ZoneInfo(tz_name)) + dt.timedelta(days=1)).date().isoformat()
                for t in (asked_at, dt.datetime.now(dt.timezone.utc))}
    run.check(
        len(created) == 1 and isinstance(number, int) and task.get("title") == title
        and task.get("priority") == "p1" and task.get("status") == "pending"
        and task.get("tags") == ["errands", "shopping"]
        and due.get("date") in tomorrow and due.get("time") == "17:00",
        f"add_task creates #{number} due tomorrow 17:00 ({tz_name}), p1, tags normalised",
        task,
    )

    data = await call_ok(run, client, "list_tasks", {"limit": 100, "sort": "created"})
    listed_numbers = [t.get("number") for t in data.get("tasks", [])]
    run.check(number in listed_numbers and isinstance(data.get("has_more"), bool),
              f"list_tasks shows #{number}", data)

    data = await call_ok(run, client, "search_tasks", {"query": tag})
    found = [t.get("number") for t in data.get("tasks", [])]
    run.check(found == [number], f"search_tasks '{tag}' finds exactly #{number}", data)

    if bob is not None:
        data = await call_ok(run, bob, "list_tasks", {"status": "all", "limit": 100})
        bobs = data.get("tasks", [])
        run.check(all(t.get("title") != title for t in bobs), f"bob's list_tasks does not show alice's #{number}", data)
        # Numbers are per user: the next check means something only if bob has no #number of his own.
        run.check(all(t.get("number") != number for t in bobs), f"bob has no task #{number} of his own", data)
        data = await call_ok(run, bob, "search_tasks", {"query": tag})
        run.check(data.get("tasks") == [], f"bob's search_tasks '{tag}' finds nothing", data)
        message = await call_err(bob, "complete_task", {"task": number})
        run.check(f"#{number}" in message and "No task" in message,
                  f"bob's complete_task #{number} is isError 'No task'", message)
        data = await call_ok(run, client, "list_tasks", {"limit": 100, "sort": "created"})
        still = [t for t in data.get("tasks", []) if t.get("number") == number]
        run.check(len(still) == 1 and still[0].get("status") == "pending",
                  f"alice's #{number} is still pending after bob's attempt", still)

    data = await call_ok(run, client, "update_task", {
        "task": number, "title": title + " and bread", "description": "the 1 litre cartons",
    })
    updated = data.get("task", {})
    run.check(
        set(data.get("changed", [])) == {"title", "description"}
        and updated.get("title") == title + " and bread" and updated.get("description") == "the 1 litre cartons",
        "update_task changes title and description",
        data,
    )

    data = await call_ok(run, client, "update_task", {"tasks": [number, 99999], "priority": "p3"})
    run.check(
        [t.get("number") for t in data.get("updated", [])] == [number] and data.get("not_found") == [99999],
        "update_task with `tasks` changes the tasks found and reports the other numbers not found",
        data,
    )

    data = await call_ok(run, client, "set_priority", {"task": number, "priority": "p2"})
    run.check([t.get("priority") for t in data.get("updated", [])] == ["p2"] and data.get("unchanged") == [],
              f"set_priority makes #{number} p2", data)

    data = await call_ok(run, client, "add_tags", {"task": number, "tags": ["home"]})
    tags = (data.get("updated") or [{}])[0].get("tags")
    run.check(tags == ["errands", "home", "shopping"], f"add_tags adds #home to #{number}", data)

    before = dt.datetime.now(dt.timezone.utc)
    data = await call_ok(run, client, "schedule_reminder", {"task": number, "at": "in 2 hours"})
    reminders = data.get("reminders", [])
    at = dt.datetime.fromisoformat(reminders[0]["at"].replace("Z", "+00:00")) if reminders else None
    run.check(
        data.get("task") == number and len(reminders) == 1 and at is not None
        and abs((at - before).total_seconds() - 7200) < 300 and reminders[0].get("delivered") is False,
        "schedule_reminder 'in 2 hours' sets one reminder about 2 h from now",
        data,
    )

    data = await call_ok(run, client, "schedule_reminder", {"tasks": [number, 999999], "at": "in 3 hours"})
    scheduled = data.get("scheduled", [])
    run.check(
        [r.get("task") for r in scheduled] == [number] and data.get("not_found") == [999999]
        and data.get("not_scheduled") == [] and "task" not in data,
        "schedule_reminder with `tasks` sets one reminder per task found and names the number not found",
        data,
    )

    data = await call_ok(run, client, "add_task", {
        "title": f"Team sync {tag}", "recurrence": "every monday at 9am", "tags": ["work"],
    })
    weekly = (data.get("created") or [{}])[0]
    weekly_number = weekly.get("number")
    wdue = weekly.get("due") or {}
    run.check(
        weekly.get("recurrence") is not None and _is_monday_9am(f"{wdue.get('date')} {wdue.get('time')}"),
        f"add_task 'every monday at 9am' creates #{weekly_number}, first due a Monday 09:00",
        weekly,
    )

    data = await call_ok(run, client, "get_recurring_tasks", {"limit": 100})
    mine = [t for t in data.get("tasks", []) if t.get("task", {}).get("number") == weekly_number]
    upcoming = mine[0].get("next", []) if mine else []
    run.check(
        len(mine) == 1 and mine[0].get("rule") and len(upcoming) == 3 and all(map(_is_monday_9am, upcoming)),
        f"get_recurring_tasks lists #{weekly_number} with its next 3 Mondays 09:00",
        mine or data,
    )

    data = await call_ok(run, client, "complete_task", {"task": number})
    done = data.get("completed", [])
    run.check(
        [t.get("number") for t in done] == [number] and done[0].get("status") == "completed"
        and done[0].get("completed_at") and data.get("rescheduled") == [],
        f"complete_task completes #{number}",
        data,
    )

    data = await call_ok(run, client, "complete_task", {"task": weekly_number})
    moved = data.get("rescheduled", [])
    mdue = (moved[0].get("due") or {}) if moved else {}
    run.check(
        [t.get("number") for t in moved] == [weekly_number] and moved[0].get("status") == "pending"
        and _is_monday_9am(f"{mdue.get('date')} {mdue.get('time')}")
        and f"{mdue.get('date')}" > f"{wdue.get('date')}",
        f"complete_task moves recurring #{weekly_number} to a later Monday 09:00",
        data,
    )

    data = await call_ok(run, client, "analytics_summary", {})
    per_day = data.get("completed_per_day", [])
    run.check(
        isinstance(data.get("pending"), int) and data["pending"] >= 1
        and isinstance(data.get("completed"), int) and data["completed"] >= 1
        and set(data.get("by_priority", {})) >= {"p1", "p2", "p3", "p4"}
        and len(per_day) == 7 and sum(d.get("completed", 0) for d in per_day) >= 2
        and 0 <= data.get("completion_rate", -1) <= 1,
        "analytics_summary counts pending, completed and this week's completions",
        data,
    )

    data = await call_ok(run, client, "delete_task", {"tasks": [number, weekly_number]})
    run.check(sorted(d.get("number") for d in data.get("deleted", [])) == sorted([number, weekly_number]),
              f"delete_task deletes #{number} and #{weekly_number}", data)
    data = await call_ok(run, client, "list_tasks", {"status": "all", "limit": 100})
    gone = {number, weekly_number} & {t.get("number") for t in data.get("tasks", [])}
    run.check(not gone, "deleted tasks no longer list", data)

    message = await call_err(client, "complete_task", {"task": 99999})
    run.check("#99999" in message, "complete_task #99999 is isError naming #99999", message)
    message = await call_err(client, "add_task", {"title": "bad priority", "priority": "p9"})
    run.check("priority" in message.lower() and "p9" in message, "add_task priority 'p9' is isError", message)

    # The validator the SDK applies is really the server's schema: a wrong shape must be refused.
    bogus = types.CallToolResult(content=[], structured_content={"created": "not a list"})
    try:
        await client.session.validate_tool_result("add_task", bogus)
    except RuntimeError as e:
        run.ok(f"the SDK's outputSchema validation rejects a malformed add_task result ({_short(str(e), 60)})")
    else:
        raise CheckFailed("the SDK accepted a malformed add_task result: output schemas are not enforced")

    resource = await client.read_resource(DUE_REMINDERS)
    contents = resource.contents
    body = json.loads(contents[0].text) if contents and getattr(contents[0], "text", None) else None
    run.check(
        len(contents) == 1 and str(contents[0].uri) == DUE_REMINDERS and contents[0].mime_type == "application/json"
        and isinstance(body, dict) and isinstance(body.get("reminders"), list),
        f"resources/read {DUE_REMINDERS} returns a JSON reminder list",
        [c.model_dump(mode="json") for c in contents],
    )


async def http_auth_checks(run: Run, url: str, alice_token: str) -> None:
    """Requests without a valid Bearer token are refused with 401 before MCP sees them."""
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    async with httpx2.AsyncClient(timeout=CALL_TIMEOUT_S) as http:
        for label, extra in (
            ("no token", {}),
            ("a forged token", {"Authorization": "Bearer " + alice_token[:-4] + "AAAA"}),
        ):
            r = await http.post(url, json=body, headers=headers | extra)
            run.check(
                r.status_code == 401 and r.headers.get("www-authenticate", "").startswith("Bearer"),
                f"POST /mcp with {label} is 401 with a Bearer challenge",
                f"{r.status_code} {dict(r.headers)} {r.text[:200]}",
            )
        r = await http.post(url, json=body, headers=headers | {"Authorization": "Bearer " + alice_token})
        run.check(r.status_code == 200, "the same POST with alice's token is 200", f"{r.status_code} {r.text[:200]}")
    try:
        async with Client(url, mode="auto", read_timeout_seconds=CALL_TIMEOUT_S) as c:
            await c.list_tools()
    except Exception as e:  # noqa: BLE001 - any refusal will do; we print which
        reason = "; ".join(f"{type(x).__name__}: {_short(str(x), 80)}" for x in _leaves(e))
        run.ok(f"the SDK without a token cannot connect ({reason})")
    else:
        raise CheckFailed("the SDK listed tools without a token")


def http_client(url: str, token: str, mode: str) -> Client:
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=CALL_TIMEOUT_S)
    return Client(streamable_http_client(url, http_client=http), mode=mode, read_timeout_seconds=CALL_TIMEOUT_S)


async def run_stdio(binary: str, mode: str) -> Run:
    run = Run(f"stdio/{mode}")
    env = {k: os.environ[k] for k in ("TASKS_DATABASE_URL", "TASKS_DEFAULT_TZ", "RUST_LOG") if k in os.environ}
    env.setdefault("RUST_LOG", "warn")
    params = StdioServerParameters(command=binary, args=["stdio", "--user", "alice"], env=env)
    async with Client(params, mode=mode, read_timeout_seconds=CALL_TIMEOUT_S) as client:
        await tool_checks(run, client, mode, bob=None)
    return run


async def run_http(url: str, alice: str, bob: str, mode: str) -> Run:
    run = Run(f"http/{mode}")
    async with http_client(url, alice, mode) as client, http_client(url, bob, mode) as bob_client:
        await tool_checks(run, client, mode, bob=bob_client)
    await http_auth_checks(run, url, alice)
    return run


async def guarded(label: str, coro: Any) -> bool:
    try:
        run = await asyncio.wait_for(coro, RUN_TIMEOUT_S)
    except CheckFailed as e:
        print(f"FAIL {label}: {e}", flush=True)
        return False
    except TimeoutError:
        print(f"FAIL {label}: did not finish within {RUN_TIMEOUT_S} s", flush=True)
        return False
    except Exception as e:  # noqa: BLE001 - an SDK error is a failed check, shown with its type
        # anyio task groups wrap a failed check (or an SDK error) in exception groups.
        detail = " / ".join(str(x) if isinstance(x, CheckFailed) else f"{type(x).__name__}: {x}" for x in _leaves(e))
        print(f"FAIL {label}: {detail}", flush=True)
        return False
    print(f"ok   {label}: all {run.passed} checks passed", flush=True)
    return True


def _leaves(e: BaseException) -> list[BaseException]:
    """The real errors inside anyio's exception groups."""
    if isinstance(e, BaseExceptionGroup):
        return [leaf for sub in e.exceptions for leaf in _leaves(sub)]
    return [e]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("transport", choices=["stdio", "http"])
    parser.add_argument("target", nargs="?", help="stdio: the mcp-tasks binary; http: the /mcp URL")
    parser.add_argument("--mode", choices=["legacy", "auto", "both"], default="both")
    args = parser.parse_args()
    modes = ["legacy", "auto"] if args.mode == "both" else [args.mode]

    if args.transport == "stdio":
        binary = args.target or os.environ.get("MCP_TASKS_BIN")
        if not binary:
            parser.error("give the mcp-tasks binary as an argument or in MCP_TASKS_BIN")
        scratch = None
        if "TASKS_DATABASE_URL" not in os.environ:
            scratch = tempfile.TemporaryDirectory(prefix="mcp-tasks-py-")
            os.environ["TASKS_DATABASE_URL"] = f"sqlite://{scratch.name}/tasks.db"
        runs = [(f"stdio/{m}", run_stdio(binary, m)) for m in modes]
    else:
        url = args.target or os.environ.get("MCP_TASKS_URL")
        alice, bob = os.environ.get("MCP_TASKS_ALICE_TOKEN"), os.environ.get("MCP_TASKS_BOB_TOKEN")
        if not url or not alice or not bob:
            parser.error("http needs the URL (argument or MCP_TASKS_URL), MCP_TASKS_ALICE_TOKEN and MCP_TASKS_BOB_TOKEN")
        runs = [(f"http/{m}", run_http(url, alice, bob, m)) for m in modes]

    async def all_runs() -> list[bool]:
        return [await guarded(label, coro) for label, coro in runs]

    results = asyncio.run(all_runs())
    failed = results.count(False)
    print(f"python_client.py: {len(results) - failed} of {len(results)} runs passed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
