"""The official Python MCP SDK's OAuth client against `mcp-tasks serve` with OAuth on.

    python oauth_client.py URL '<json>'

URL is the MCP endpoint (http://127.0.0.1:PORT/mcp). <json> names the authorization server's
issuer, a confidential client for the client-credentials grant, and the tokens that must be
refused: {"issuer": …, "robot": [id, secret], "reader": [id, secret],
          "refused": {"another audience": token, "expired": token, …}}.

Checks, printing one `ok:` or `FAIL:` line each and exiting non-zero on any failure:
* authorization code + PKCE with `mcp.client.auth.OAuthClientProvider`: the SDK discovers the
  metadata from the 401, registers dynamically, sends the user through the provider's login form
  (the redirect handler fills it in over HTTP, as a person would in a browser), exchanges the code
  for a token for the /mcp resource and calls the tools; a second person signed in the same way
  sees none of the first one's tasks;
* the client-credentials grant with `ClientCredentialsOAuthProvider`;
* the refused tokens get 401 with error="invalid_token" and a read-only token calling add_task
  gets 403 with error="insufficient_scope", and nothing is written.
"""

from __future__ import annotations

import asyncio
import base64
import html
import json
import re
import sys
import uuid
from typing import Any
from urllib.parse import parse_qs, urljoin, urlparse

try:
    import httpx2
    from mcp import Client
    from mcp.client.auth import OAuthClientProvider
    from mcp.client.auth.extensions.client_credentials import ClientCredentialsOAuthProvider
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken
except ImportError as e:  # pragma: no cover
    sys.exit(f"oauth_client.py: cannot import the MCP SDK ({e}); run `pip install mcp==2.3.0`")

TIMEOUT_S = 20
REDIRECT_URI = "http://127.0.0.1:9/callback"
failures: list[str] = []


def check(cond: bool, what: str, detail: Any = None) -> None:
    if cond:
        print(f"ok: {what}")
    else:
        failures.append(what)
        print(f"FAIL: {what}" + (f" ({str(detail)[:600]})" if detail is not None else ""))


class Memory:
    """Token storage kept in memory, as the SDK's examples do."""

    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client = client_info


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


class Browser:
    """Follows the authorization request through the provider's login and consent forms over
    HTTP, keeping cookies, until the provider redirects to REDIRECT_URI."""

    def __init__(self, login: str) -> None:
        self.login = login
        self.result: AuthorizationCodeResult | None = None
        self.forms_filled = 0

    async def redirect(self, url: str) -> None:
        async with httpx2.AsyncClient(follow_redirects=False, timeout=TIMEOUT_S) as http:
            response = await http.get(url)
            for _ in range(20):
                if response.is_redirect:
                    target = urljoin(str(response.url), response.headers["location"])
                    if target.startswith(REDIRECT_URI):
                        query = {k: v[0] for k, v in parse_qs(urlparse(target).query).items()}
                        if "error" in query:
                            raise RuntimeError(f"authorization failed: {query}")
                        self.result = AuthorizationCodeResult(
                            code=query["code"], state=query.get("state"), iss=query.get("iss")
                        )
                        return
                    response = await http.get(target)
                    continue
                form = re.search(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', response.text, re.S)
                if response.status_code != 200 or not form:
                    raise RuntimeError(f"unexpected page {response.status_code}: {response.text[:300]}")
                fields = {}
                for tag in re.findall(r"<input[^>]*>", form.group(2)):
                    name, value = re.search(r'name="([^"]*)"', tag), re.search(r'value="([^"]*)"', tag)
                    if name:
                        fields[html.unescape(name.group(1))] = html.unescape(value.group(1)) if value else ""
                if "login" in fields:
                    fields.update(login=self.login, password="any password")
                self.forms_filled += 1
                action = urljoin(str(response.url), html.unescape(form.group(1)))
                response = await http.post(action, data=fields)
        raise RuntimeError("too many redirects")

    async def callback(self) -> AuthorizationCodeResult:
        assert self.result is not None, "the provider never redirected back"
        return self.result


def sdk_client(url: str, auth: httpx2.Auth) -> Client:
    http = httpx2.AsyncClient(auth=auth, timeout=TIMEOUT_S)
    return Client(streamable_http_client(url, http_client=http), read_timeout_seconds=TIMEOUT_S)


async def titles(client: Client) -> list[str]:
    result = await client.call_tool("list_tasks", {})
    return [t["title"] for t in (result.structured_content or {}).get("tasks", [])]


async def sign_in_and_use(url: str, person: str, task: str | None) -> tuple[list[str], Memory, Browser]:
    storage, browser = Memory(), Browser(person)
    metadata = OAuthClientMetadata(
        client_name=f"oauth_client.py ({person})",
        redirect_uris=[REDIRECT_URI],
        grant_types=["authorization_code", "refresh_token"],
        response_types=["code"],
        token_endpoint_auth_method="none",
    )
    provider = OAuthClientProvider(url, metadata, storage, browser.redirect, browser.callback)
    async with sdk_client(url, provider) as client:
        tools = await client.list_tools()
        check(len(tools.tools) == 11, f"{person}: lists the eleven tools after signing in", len(tools.tools))
        if task:
            added = await client.call_tool("add_task", {"title": task})
            check(not added.is_error, f"{person}: add_task works with the token", added)
        return await titles(client), storage, browser


async def authorization_code(url: str) -> None:
    alice_task = f"alice's task {uuid.uuid4().hex[:6]}"
    listed, storage, browser = await sign_in_and_use(url, "alice", alice_task)
    check(alice_task in listed, "alice lists the task she added", listed)
    check(storage.client is not None and bool(storage.client.client_id), "the SDK registered a client dynamically")
    check(browser.forms_filled >= 1, "the provider's login form was filled in", browser.forms_filled)
    token = storage.tokens.access_token if storage.tokens else ""
    got = claims(token) if token.count(".") == 2 else {}
    check(got.get("aud") == url, "the access token is for the /mcp resource", got.get("aud"))
    check(got.get("sub") == "alice", "the access token's subject is the person who signed in", got.get("sub"))
    bob_listed, _, _ = await sign_in_and_use(url, "bob", None)
    check(alice_task not in bob_listed and bob_listed == [], "bob, signed in the same way, sees none of alice's tasks", bob_listed)


async def client_credentials(url: str, issuer: str, robot: list[str]) -> None:
    provider = ClientCredentialsOAuthProvider(
        url, Memory(), robot[0], robot[1], "client_secret_post", "tasks:read tasks:write", issuer
    )
    async with sdk_client(url, provider) as client:
        added = await client.call_tool("add_task", {"title": "robot's task"})
        check(not added.is_error, "client credentials: add_task works", added)
        check("robot's task" in await titles(client), "client credentials: the task is listed")


async def refusals(url: str, refused: dict[str, str], reader_token: str) -> None:
    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "add_task", "arguments": {"title": "must not be written"}}}
    headers = {"accept": "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25"}
    async with httpx2.AsyncClient(timeout=TIMEOUT_S) as http:
        for case, token in refused.items():
            r = await http.post(url, json=call, headers={**headers, "authorization": f"Bearer {token}"})
            challenge = r.headers.get("www-authenticate", "")
            check(r.status_code == 401 and 'error="invalid_token"' in challenge and "resource_metadata=" in challenge,
                  f"a token {case}: 401 invalid_token", (r.status_code, challenge))
        r = await http.post(url, json=call, headers={**headers, "authorization": f"Bearer {reader_token}"})
        challenge = r.headers.get("www-authenticate", "")
        check(r.status_code == 403 and 'error="insufficient_scope"' in challenge and 'scope="tasks:write"' in challenge,
              "a tasks:read token calling add_task: 403 insufficient_scope", (r.status_code, challenge))
    # The SDK itself with that read-only token: reading works, and nothing was written.
    storage = Memory()
    storage.tokens = OAuthToken(access_token=reader_token, token_type="Bearer", scope="tasks:read")
    provider = OAuthClientProvider(url, OAuthClientMetadata(redirect_uris=[REDIRECT_URI]), storage)
    async with sdk_client(url, provider) as client:
        listed = await titles(client)
        check("must not be written" not in listed, "the refused calls wrote nothing", listed)


async def main() -> int:
    url, config = sys.argv[1], json.loads(sys.argv[2])
    for name, step in [
        ("authorization code + PKCE", authorization_code(url)),
        ("client credentials", client_credentials(url, config["issuer"], config["robot"])),
        ("refusals", refusals(url, config["refused"], config["reader_token"])),
    ]:
        try:
            await step
        except Exception as e:  # noqa: BLE001 - reported as a failed check
            check(False, f"{name} completed", repr(e))
    print(f"{sum(1 for _ in failures)} failed" if failures else "all OAuth checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
