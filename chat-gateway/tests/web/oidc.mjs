// The chat page signing people in through a real OpenID provider (oidc-provider's login and
// consent pages), in headless Chromium driven by playwright-core, against the gateway that
// chat-gateway/tests/web_oidc.rs started.
//
// Environment: WEB_BASE_URL (the gateway), WEB_PROVIDER (the provider's base URL),
// WEB_CLIENT_ID (the page's public client), WEB_TASKS_RESOURCE (mcp-tasks' /mcp),
// WEB_CHROMIUM, WEB_PLAYWRIGHT, WEB_SCREENSHOTS. Prints `ok - <step>` per step, and
// `mcp-token <login> <token>` lines: tokens for mcp-tasks got through the provider's login
// page, for the Rust side to call /mcp with. Exits 1 on the first failure, after saving
// oidc-failure.png.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { env, launch } from './harness.mjs';


const base = env('WEB_BASE_URL');
const provider = env('WEB_PROVIDER');
const clientId = env('WEB_CLIENT_ID');
const tasksResource = env('WEB_TASKS_RESOURCE');
const shots = env('WEB_SCREENSHOTS');

const origin = new URL(base).origin;
const providerOrigin = new URL(provider).origin;
const TOKENS_KEY = 'tasks-chat.oidc.tokens';

/** Failed requests and non-2xx answers, printed when a step fails. */
const failures = [];
let page = null;
const { browser, requests, problems, newPage, step } = await launch({
  failureShot: 'oidc-failure.png',
  currentPage: () => page,
  request: (r) => ({ url: r.url(), method: r.method(), type: r.resourceType(), from: r.frame().url() }),
  onContext: (context) => {
    context.on('requestfailed', (r) => failures.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
    context.on('response', (response) => {
      if (response.status() >= 300) failures.push(`${response.status()} ${response.request().method()} ${response.url()} -> ${response.headers().location ?? ''}`);
    });
  },
  onFailure: () => {
    for (const line of failures.slice(-12)) console.log(`# ${line}`);
  },
});



const byId = (id) => page.getByTestId(id);
const stored = () => page.evaluate((key) => JSON.parse(sessionStorage.getItem(key) ?? 'null'), TOKENS_KEY);

/** Goes through the provider's pages (login as `login` if asked, consent) until back at the gateway. */
async function throughProvider(login) {
  for (let i = 0; i < 6; i += 1) {
    await page.waitForURL((url) => url.origin === origin || url.pathname.startsWith('/interaction/'));
    if (new URL(page.url()).origin === origin) return;
    const form = page.locator('input[name="login"]');
    if (await form.count()) {
      await form.fill(login);
      await page.locator('input[name="password"]').fill('any password');
    }
    await page.locator('button[type="submit"]').first().click();
    await page.waitForLoadState();
  }
  throw new Error(`still at the provider: ${page.url()}`);
}

async function signInThroughProvider(login) {
  await page.goto(base);
  await byId('provider-sign-in').click();
  await page.waitForURL((url) => url.origin === providerOrigin);
  await page.locator('input[name="login"]').waitFor();
  await throughProvider(login);
  await byId('composer').waitFor();
}

async function say(text) {
  const before = await page.locator('[data-role="assistant"]').count();
  await byId('composer').fill(text);
  await byId('composer').press('Enter');
  await page.waitForFunction((count) => !document.getElementById('send').disabled
    && !document.querySelector('#message-list [aria-busy="true"]')
    && document.querySelectorAll('[data-role="assistant"], [data-testid="error"]').length > count, before);
  const replies = await page.locator('[data-role="assistant"] .text').allTextContents();
  return replies.at(-1) ?? '';
}

async function signOut() {
  await byId('sign-out').click();
  await page.waitForURL((url) => url.origin === providerOrigin);
  await page.getByRole('button', { name: 'Yes, sign me out' }).click();
  await page.waitForURL((url) => url.origin === origin);
  await byId('provider-sign-in').waitFor();
  assert.equal(await stored(), null, 'no tokens are left in sessionStorage');
}

const base64url = (bytes) => Buffer.from(bytes).toString('base64url');

/** An access token for mcp-tasks, for `login`, through the provider's login page (code + PKCE). */
async function mcpToken(login) {
  const verifier = base64url(randomBytes(48));
  const state = base64url(randomBytes(16));
  const redirect = `${origin}/`;
  const url = new URL(`${provider}/auth`);
  for (const [name, value] of Object.entries({
    response_type: 'code', client_id: clientId, redirect_uri: redirect, scope: 'openid tasks:read tasks:write',
    state, resource: tasksResource, code_challenge_method: 'S256',
    code_challenge: base64url(createHash('sha256').update(verifier).digest()),
  })) url.searchParams.set(name, value);
  // The provider's redirect back carries the code (read from its Location header; the page
  // that then loads finds no sign-in of its own under way and stays signed out).
  let code = null;
  const watch = (response) => {
    const location = response.headers().location;
    if (!location || !response.url().startsWith(provider)) return;
    const target = new URL(location, response.url());
    if (target.origin === origin && target.searchParams.get('state') === state) code = target.searchParams.get('code');
  };
  page.on('response', watch);
  await page.goto(url.href);
  await throughProvider(login);
  page.off('response', watch);
  assert.ok(code, `the provider sent a code for ${login}`);
  const response = await fetch(`${provider}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirect, client_id: clientId,
      code_verifier: verifier, resource: tasksResource }),
  });
  const answer = await response.json();
  assert.ok(response.ok && answer.access_token, JSON.stringify(answer));
  return answer.access_token;
}

try {
  page = await newPage();

  await step('the page offers the provider sign-in beside the token box and dev login', async () => {
    await page.goto(base);
    await byId('provider-sign-in').waitFor();
    await byId('token-input').waitFor();
  });

  await step('alice signs in through the provider\'s login and consent pages', async () => {
    await signInThroughProvider('alice');
    assert.equal(new URL(page.url()).search, '', 'the code and state are gone from the address');
    const tokens = await stored();
    assert.ok(tokens?.access && tokens.refresh, 'access and refresh tokens are in sessionStorage');
    assert.equal(await page.evaluate(() => localStorage.length), 0, 'nothing is kept in localStorage');
  });

  await step('alice chats: a task is added', async () => {
    assert.match(await say('add buy milk tomorrow'), /buy milk/i);
    await byId('thread-item').first().waitFor();
    await page.screenshot({ path: join(shots, 'oidc-alice.png'), fullPage: true });
  });

  await step('after a reload alice is still signed in, without the provider', async () => {
    const before = requests.length;
    await page.reload();
    await byId('thread-item').first().waitFor();
    assert.equal(new URL(page.url()).origin, origin);
    assert.ok(!requests.slice(before).some((r) => r.url.startsWith(provider)), 'the provider was not asked');
  });

  await step('an expired access token is refreshed with the refresh token on reload', async () => {
    const old = await stored();
    await page.evaluate((key) => {
      const tokens = JSON.parse(sessionStorage.getItem(key));
      sessionStorage.setItem(key, JSON.stringify({ ...tokens, expiresAt: 0 }));
    }, TOKENS_KEY);
    const before = requests.length;
    await page.reload();
    await byId('thread-item').first().waitFor();
    const refreshed = await stored();
    assert.notEqual(refreshed.access, old.access, 'a new access token');
    assert.ok(refreshed.expiresAt > Date.now());
    assert.ok(requests.slice(before).some((r) => r.url === `${provider}/token` && r.method === 'POST'));
    assert.match(await say('show my tasks'), /buy milk/i);
  });

  await step('with the access token expired and no refresh token the page re-authenticates cleanly', async () => {
    await page.evaluate((key) => {
      const tokens = JSON.parse(sessionStorage.getItem(key));
      sessionStorage.setItem(key, JSON.stringify({ ...tokens, expiresAt: 0, refresh: null }));
    }, TOKENS_KEY);
    await page.reload();
    await page.waitForURL((url) => url.origin === providerOrigin);
    await throughProvider('alice');
    await byId('thread-item').first().waitFor();
    assert.ok((await stored())?.access);
  });

  await step('alice signs out: the provider ends its session and the page forgets the tokens', async () => {
    await signOut();
    await page.reload();
    await byId('provider-sign-in').waitFor();
    assert.ok(await page.locator('#app').isHidden(), 'the page does not sign itself back in');
  });

  await step('bob signs in through the provider and sees none of alice\'s threads or tasks', async () => {
    await signInThroughProvider('bob');
    assert.equal(await byId('thread-item').count(), 0, 'bob has no threads');
    const reply = await say('show my tasks');
    assert.doesNotMatch(reply, /buy milk/i);
    assert.match(await say('add walk the dog'), /walk the dog/i);
    await page.screenshot({ path: join(shots, 'oidc-bob.png'), fullPage: true });
    await signOut();
  });

  await step('the provider issues mcp-tasks tokens to alice and bob through its login page', async () => {
    for (const login of ['alice', 'bob']) {
      await page.context().clearCookies();
      console.log(`mcp-token ${login} ${await mcpToken(login)}`);
    }
  });

  await step('the page called only its own origin and the provider\'s token endpoint', async () => {
    const calls = requests.filter((r) => ['fetch', 'xhr'].includes(r.type) && r.from.startsWith(origin));
    const foreign = calls.filter((r) => new URL(r.url).origin !== origin && r.url !== `${provider}/token`);
    assert.deepEqual(foreign, []);
    assert.ok(calls.some((r) => r.url === `${provider}/token`), 'the page fetched tokens itself');
    assert.deepEqual(problems, [], 'no uncaught errors or CSP refusals');
  });
} finally {
  await browser.close();
}
console.log(`oidc: ${requests.length} requests; screenshots in ${shots}`);
