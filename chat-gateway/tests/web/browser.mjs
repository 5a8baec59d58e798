// The chat page in headless Chromium (Debian's, driven by playwright-core; no browser is
// downloaded), against a real gateway that chat-gateway/tests/web_browser.rs started.
//
// Environment: WEB_BASE_URL (the gateway), WEB_TOKEN (a user token to paste), WEB_FAIL_ONCE (a
// message the gateway fails once, retryably), WEB_CHROMIUM, WEB_PLAYWRIGHT (the playwright-core
// package directory), WEB_SCREENSHOTS (where PNGs go). Prints `ok - <step>` per step; exits 1 on
// the first failure, after saving failure.png.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { env, launch } from './harness.mjs';


const base = env('WEB_BASE_URL');
const token = env('WEB_TOKEN');
const failOnce = env('WEB_FAIL_ONCE');
const shots = env('WEB_SCREENSHOTS');

const ENGLISH = 'add buy milk tomorrow';
const URDU = 'کل شام 5 بجے دودھ لینا شامل کریں';
const RENAMED = 'Groceries (renamed)';

const origin = new URL(base).origin;
let page = null;
const { browser, requests, problems, newPage, step } = await launch({
  failureShot: 'failure.png',
  currentPage: () => page,
});



const byId = (id) => page.getByTestId(id);
const texts = (locator) => locator.evaluateAll((nodes) => nodes.map((n) => n.textContent.trim()));

/** Records what the message list shows while a turn streams: text deltas and tool step states. */
async function watchStream() {
  await page.evaluate(() => {
    const seen = { deltas: [], steps: [] };
    window.seen = seen;
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          // A delta is appended; the final text replaces what was there (removedNodes).
          if (node.nodeType === Node.TEXT_NODE && record.removedNodes.length === 0
            && record.target.closest?.('[data-role="assistant"] .part')) {
            seen.deltas.push(node.data);
          } else if (node.nodeType === Node.ELEMENT_NODE) {
            for (const row of [node, ...node.querySelectorAll('[data-testid="tool-step"]')]) {
              if (row.dataset?.testid === 'tool-step') seen.steps.push(`${row.querySelector('.title').textContent}:${row.dataset.status}`);
            }
          }
        }
      }
    }).observe(document.getElementById('message-list'), { childList: true, subtree: true });
  });
  return () => page.evaluate(() => window.seen);
}

/** Sends `text` with the keyboard (Enter) and waits until the answer (or an error) is complete. */
async function say(text) {
  const before = await page.evaluate(() =>
    document.querySelectorAll('[data-role="assistant"], [data-testid="error"]').length);
  await byId('composer').fill(text);
  await byId('composer').press('Enter');
  await page.waitForFunction((count) => !document.getElementById('send').disabled
    && !document.querySelector('#message-list [aria-busy="true"]')
    && document.querySelectorAll('[data-role="assistant"], [data-testid="error"]').length > count, before);
}

async function lastReply() {
  return (await texts(page.locator('[data-role="assistant"] .text'))).at(-1) ?? '';
}

async function signInWithToken() {
  await byId('token-input').fill(token);
  await byId('sign-in').click();
  await byId('thread-list').waitFor({ state: 'attached' });
  await byId('composer').waitFor();
}

try {
  page = await newPage();

  await step('the page asks for a token and offers dev login', async () => {
    await page.goto(base);
    await byId('token-input').waitFor();
    await byId('dev-login').waitFor();
    assert.equal(await page.locator('html').getAttribute('dir'), 'ltr');
  });

  await step('a wrong token is refused with a message, not a crash', async () => {
    await byId('token-input').fill('not-a-token');
    await byId('sign-in').click();
    await page.locator('#signin-error').filter({ hasText: /not accepted/ }).waitFor();
  });

  await step('signing in with a pasted token shows an empty thread list', async () => {
    await signInWithToken();
    assert.equal(await byId('thread-item').count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'composer');
  });

  await step('Shift+Enter adds a line without sending', async () => {
    await byId('composer').fill('one');
    await byId('composer').press('Shift+Enter');
    await byId('composer').pressSequentially('two');
    assert.equal(await byId('composer').inputValue(), 'one\ntwo');
    assert.equal(await byId('message').count(), 0);
    await byId('composer').fill('');
  });

  await step(`"${ENGLISH}" streams a reply and shows the add_task call while it runs`, async () => {
    const seen = await watchStream();
    await say(ENGLISH);
    const roles = await byId('message').evaluateAll((nodes) => nodes.map((n) => n.dataset.role));
    assert.deepEqual(roles, ['user', 'assistant']);
    assert.equal((await texts(page.locator('[data-role="user"] .text')))[0], ENGLISH);
    const reply = await lastReply();
    assert.match(reply, /buy milk/i);
    const { deltas, steps } = await seen();
    assert.ok(deltas.length >= 2, `the reply arrived in ${deltas.length} delta(s)`);
    assert.equal(deltas.join('').trim(), reply, 'the deltas make up the reply');
    assert.ok(steps.includes('Adding a task:loading'), `the tool call was shown running: ${steps}`);
    const step = page.locator('[data-testid="tool-progress"] [data-testid="tool-step"]').first();
    assert.equal(await step.getAttribute('data-status'), 'complete');
    await page.screenshot({ path: join(shots, 'conversation.png'), fullPage: true });
  });

  await step('the thread gets its title in the list, and the task exists', async () => {
    await byId('thread-item').filter({ hasText: ENGLISH }).waitFor();
    await say('show my tasks');
    assert.match(await lastReply(), /buy milk/i);
  });

  await step('after a reload the thread is in the list and opens with its messages', async () => {
    await page.reload();
    await byId('thread-item').filter({ hasText: ENGLISH }).waitFor();
    assert.equal(await byId('thread-item').count(), 1);
    await byId('thread-item').getByRole('button', { name: ENGLISH, exact: true }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="message"]').length === 4);
    assert.deepEqual(await texts(page.locator('[data-role="user"] .text')), [ENGLISH, 'show my tasks']);
    assert.ok(await page.locator('[data-testid="tool-progress"]').count() >= 2, 'tool calls are in the history');
  });

  await step('the thread can be renamed from the keyboard, and the name persists', async () => {
    await byId('rename-thread').click();
    await byId('rename-input').fill(RENAMED);
    await byId('rename-input').press('Enter');
    await byId('thread-item').filter({ hasText: RENAMED }).waitFor();
    assert.equal(await page.locator('#thread-title').textContent(), RENAMED);
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'rename-thread');
    await page.reload();
    await byId('thread-item').filter({ hasText: RENAMED }).waitFor();
  });

  await step('the thread can be deleted after a confirmation', async () => {
    page.once('dialog', (dialog) => dialog.accept());
    await byId('delete-thread').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="thread-item"]'));
    assert.equal(await byId('message').count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'new-thread');
  });

  await step('an Urdu conversation is laid out right to left', async () => {
    await page.keyboard.press('Enter'); // the focused "New conversation" button
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'composer');
    await say(URDU);
    const directions = await page.locator('[data-testid="message"] .text')
      .evaluateAll((nodes) => nodes.map((n) => getComputedStyle(n).direction));
    assert.deepEqual(directions, ['rtl', 'rtl']);
    assert.match(await lastReply(), /[\u0600-\u06FF]/, 'the reply is in Urdu script');
    await page.screenshot({ path: join(shots, 'urdu.png'), fullPage: true });
  });

  await step('a failed turn shows an error with Retry, and Retry answers it', async () => {
    await byId('new-thread').click();
    await say(failOnce);
    await byId('error').waitFor();
    await page.screenshot({ path: join(shots, 'error.png'), fullPage: true });
    const answered = page.waitForFunction(() => document.querySelectorAll('[data-role="assistant"]').length === 1
      && !document.getElementById('send').disabled);
    await byId('retry').click();
    await answered;
    assert.equal(await byId('error').count(), 0);
    assert.deepEqual(await texts(page.locator('[data-role="user"] .text')), [failOnce]);
  });

  await step('every control has a name and every field a label', async () => {
    const unnamed = await page.evaluate(() => [...document.querySelectorAll('button, input, textarea')]
      .filter((el) => el.offsetParent !== null)
      .filter((el) => el.tagName === 'BUTTON'
        ? !(el.getAttribute('aria-label') || el.textContent.trim())
        : !(el.labels?.length || el.getAttribute('aria-label')))
      .map((el) => el.outerHTML.slice(0, 80)));
    assert.deepEqual(unnamed, []);
  });

  await step('dev login signs in as another user, who sees none of the first one\'s threads', async () => {
    await byId('sign-out').click();
    await byId('dev-login').click();
    await byId('composer').waitFor();
    assert.equal(await byId('thread-item').count(), 0);
    await say('show my tasks');
    await byId('notice').filter({ hasText: 'call the bank' }).waitFor();
    assert.match(await lastReply(), /call the bank/);
    assert.doesNotMatch(await lastReply(), /buy milk/);
    await page.screenshot({ path: join(shots, 'dev-notice.png'), fullPage: true });
  });

  await page.context().close();
  page = await newPage({ viewport: { width: 390, height: 844 }, locale: 'ur-PK', isMobile: true, hasTouch: true });

  await step('at phone width, in Urdu, the page is right to left and the thread list is a drawer', async () => {
    await page.goto(base);
    assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
    assert.equal(await page.locator('html').getAttribute('lang'), 'ur');
    assert.equal((await byId('sign-in').textContent()).trim(), 'سائن اِن کریں');
    await signInWithToken();
    assert.equal(await page.locator('#threads').isVisible(), false, 'the list starts folded');
    await page.locator('#toggle-threads').click();
    await byId('thread-item').first().waitFor();
    await page.screenshot({ path: join(shots, 'phone-threads.png') });
    await byId('thread-item').filter({ hasText: URDU.slice(0, 10) }).getByRole('button').first().click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="message"]').length === 2);
    assert.equal(await page.locator('#threads').isVisible(), false, 'opening a thread folds the list');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px too wide)`);
    await page.screenshot({ path: join(shots, 'phone.png') });
  });

  await step('no script error and no Content-Security-Policy refusal happened', async () => {
    assert.deepEqual(problems, []);
  });

  await step('the page made no request to any origin but the gateway', async () => {
    const foreign = requests.filter((url) => new URL(url).origin !== origin);
    assert.deepEqual(foreign, []);
    assert.ok(requests.some((url) => url.endsWith('/chatkit')));
  });
} finally {
  await browser.close();
}
console.log(`browser: ${requests.length} requests, all to ${origin}; screenshots in ${shots}`);
