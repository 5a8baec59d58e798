// The chat page's task widgets in headless Chromium (Debian's, driven by playwright-core),
// against a real gateway and mcp-tasks that chat-gateway/tests/web_widgets.rs started and seeded
// with four tasks per user (#1 urgent and tagged).
//
// Environment: WEB_BASE_URL, WEB_TOKEN_EN and WEB_TOKEN_UR (an English and an Urdu user),
// WEB_CHROMIUM, WEB_PLAYWRIGHT, WEB_SCREENSHOTS. To learn what mcp-tasks holds, the script
// prints `? tasks USER` and reads the answer (a JSON line) from stdin. Prints `ok - <step>` per step; exits 1 on the first failure,
// after saving widgets-failure.png.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { env, launch } from './harness.mjs';


const base = env('WEB_BASE_URL');
const shots = env('WEB_SCREENSHOTS');
const answers = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

/** Asks the test; returns its JSON answer. */
async function ask(question) {
  console.log(`? ${question}`);
  const { value, done } = await answers.next();
  assert.ok(!done, `no answer to ${question}`);
  return JSON.parse(value);
}

/** `user`'s tasks in mcp-tasks: number -> due day (YYYY-MM-DD), or null. */
async function dues(user) {
  return Object.fromEntries((await ask(`tasks ${user}`)).map((t) => [t.number, t.due ?? null]));
}

/** `user`'s tasks in mcp-tasks: number -> status ("pending" / "completed"). */
async function statuses(user) {
  return Object.fromEntries((await ask(`tasks ${user}`)).map((t) => [t.number, t.status]));
}

const FLOWS = [
  {
    name: 'English',
    user: 'alice',
    token: env('WEB_TOKEN_EN'),
    locale: 'en-US',
    dir: 'ltr',
    list: 'show my tasks',
    deleteTwo: 'delete 2 and 3',
    titles: ['buy milk', 'call mom', 'pay rent', 'water the plants'],
    cancelled: /nothing changed/,
    deleted: /Deleted #2, #3/,
    gone: /no longer exists/,
    shot: 'widgets-en',
  },
  {
    name: 'Urdu',
    user: 'amna',
    token: env('WEB_TOKEN_UR'),
    locale: 'ur-PK',
    dir: 'rtl',
    list: 'میرے کام دکھائیں',
    deleteTwo: 'کام 2 اور 3 حذف کریں',
    titles: ['دودھ لینا', 'بل جمع کروانا', 'کتاب واپس کرنا', 'امی کو فون کرنا'],
    cancelled: /کچھ نہیں بدلا/,
    deleted: /#2، #3 حذف کر دیے گئے/,
    gone: /یہ کام اب موجود نہیں/,
    shot: 'widgets-ur',
  },
];

const origin = new URL(base).origin;
let page = null;
const { browser, requests, problems, newPage, step } = await launch({
  failureShot: 'widgets-failure.png',
  currentPage: () => page,
});



const byId = (id) => page.getByTestId(id);
const widgets = () => page.locator('[data-testid="widget"]');

/** Sends `text` and waits until the answer is complete. */
async function say(text) {
  const before = await page.evaluate(() => document.querySelectorAll('[data-role="assistant"]').length);
  await byId('composer').fill(text);
  await byId('composer').press('Enter');
  await page.waitForFunction((count) => !document.getElementById('send').disabled
    && !document.querySelector('#message-list [aria-busy="true"]')
    && document.querySelectorAll('[data-role="assistant"]').length > count, before);
}

/** What the messages and widgets show (hidden text excluded). */
async function shownText() {
  return page.locator('[data-testid="message"], [data-testid="widget"]')
    .evaluateAll((nodes) => nodes.filter((n) => n.checkVisibility()).map((n) => n.innerText).join('\n'));
}

/** Waits until no widget action is running. */
async function settled() {
  await page.waitForFunction(() => !document.querySelector('[data-testid="widget"][aria-busy="true"]'));
}

/** Records the client effects the page receives. */
async function watchEffects() {
  await page.evaluate(() => {
    window.effects = [];
    document.getElementById('message-list')
      .addEventListener('client-effect', (event) => window.effects.push(event.detail));
  });
}

async function runFlow(flow) {
  const list = () => widgets().filter({ has: page.locator('[data-key]') }).last();
  const row = (n) => list().locator(`[data-key="task-${n}"]`);

  await step(`${flow.name}: signing in and asking for the list shows a task widget, not the text twice`, async () => {
    await page.goto(base);
    await byId('token-input').fill(flow.token);
    await byId('sign-in').click();
    await byId('composer').waitFor();
    await say(flow.list);
    await list().waitFor();
    assert.equal(await list().locator('[data-key]').count(), 4);
    for (const [i, title] of flow.titles.entries()) {
      assert.equal((await row(i + 1).locator('.wc-text').first().textContent()).trim(), `#${i + 1} ${title}`);
    }
    assert.equal(await list().locator('.wc-badge').filter({ hasText: '#errands' }).count(), 1, 'tags are badges');
    // Each title is shown once, by the widget: neither its copy_text nor the reply's lines
    // for the same tasks are shown beside it.
    const shown = await shownText();
    for (const title of flow.titles) assert.equal(shown.split(title).length - 1, 1, `"${title}" once in ${shown}`);
    assert.equal(await list().locator('.wc-copy').count(), 0);
  });

  await step(`${flow.name}: the widget is laid out ${flow.dir === 'rtl' ? 'right to left' : 'left to right'}`, async () => {
    const layout = await row(1).evaluate((node) => {
      const toggle = node.querySelector('[data-action="tasks.complete"]').getBoundingClientRect();
      const title = node.querySelector('.wc-text').getBoundingClientRect();
      return { dir: getComputedStyle(node).direction, toggleFirst: toggle.left < title.left };
    });
    assert.equal(layout.dir, flow.dir);
    // The Complete button starts the row: on the left in English, on the right in Urdu.
    assert.equal(layout.toggleFirst, flow.dir === 'ltr', JSON.stringify(layout));
  });

  await step(`${flow.name}: ticking #1 off from the keyboard completes it in mcp-tasks, in place`, async () => {
    await watchEffects();
    const before = await page.evaluate(() => document.querySelectorAll('[data-testid="widget"]').length);
    await row(1).locator('[data-action="tasks.complete"]').focus();
    await page.keyboard.press('Enter');
    await row(1).locator('[data-action="tasks.reopen"]').waitFor();
    await settled();
    assert.equal(await page.evaluate(() => document.querySelectorAll('[data-testid="widget"]').length), before,
      'updated in place, not added');
    assert.ok(await row(1).locator('.wc-done').count(), 'the title is struck through');
    assert.equal(await row(2).locator('[data-action="tasks.complete"]').count(), 1, '#2 is untouched');
    const focused = await page.evaluate(() => document.activeElement?.dataset.action);
    assert.equal(focused, 'tasks.reopen', 'focus stays on the row, on the button that replaced Complete');
    const effects = await page.evaluate(() => window.effects);
    assert.deepEqual(effects, [{ name: 'tasks.changed', data: { action: 'complete', numbers: [1] } }]);
    const tasks = await statuses(flow.user);
    assert.deepEqual(tasks, { 1: 'completed', 2: 'pending', 3: 'pending', 4: 'pending' });
    await page.screenshot({ path: join(shots, `${flow.shot}.png`), fullPage: true });
  });

  await step(`${flow.name}: after a reload the widget still shows #1 completed`, async () => {
    await page.reload();
    await byId('thread-item').first().waitFor();
    await byId('thread-item').first().getByRole('button').first().click();
    await list().waitFor();
    assert.equal(await row(1).locator('[data-action="tasks.reopen"]').count(), 1);
    assert.equal(await row(1).locator('[data-action="tasks.complete"]').count(), 0);
    assert.equal((await statuses(flow.user))[1], 'completed');
  });

  await step(`${flow.name}: moving #2 with its row's labelled date field (keyboard) makes it due that day`, async () => {
    await watchEffects();
    const day = new Date(Date.now() + 6 * 86_400_000).toISOString().slice(0, 10);
    const field = row(2).locator('[data-testid="widget-date"]');
    assert.ok((await field.evaluate((input) => input.labels?.[0]?.textContent ?? '')).trim(), 'the field has a label');
    // The label and its place in the row follow the widget's direction (the date itself is digits).
    assert.equal(await field.evaluate((input) => getComputedStyle(input.labels[0]).direction), flow.dir);
    await field.focus();
    await field.fill(day);
    assert.deepEqual(await page.evaluate(() => window.effects), [], 'a changed field alone sends nothing');
    await page.keyboard.press('Enter');
    await page.waitForFunction((expected) => {
      const input = [...document.querySelectorAll('[data-key="task-2"] [data-testid="widget-date"]')].at(-1);
      return input && input.value === expected && !input.closest('[aria-busy="true"]');
    }, day);
    await settled();
    assert.deepEqual(await page.evaluate(() => window.effects), [{ name: 'tasks.changed', data: { action: 'move', numbers: [2] } }]);
    assert.equal((await dues(flow.user))[2], day, 'due that day in mcp-tasks');
    assert.equal(await page.evaluate(() => document.activeElement?.closest('[data-key]')?.dataset.key), 'task-2',
      'focus stays on the row');
  });

  const card = () => widgets().filter({ has: page.locator('.wc-card') }).last();

  await step(`${flow.name}: asked to delete two tasks, Cancel deletes nothing`, async () => {
    await say(flow.deleteTwo);
    await card().locator('[data-testid="widget-confirm"]').waitFor();
    const question = (await card().locator('.wc-text').textContent()).trim();
    assert.match(question, /#2.+#3/s);
    assert.equal((await shownText()).split(question).length - 1, 1, `the question is shown once, on the card: ${await shownText()}`);
    assert.equal(await card().getAttribute('dir'), flow.dir);
    await card().locator('[data-testid="widget-cancel"]').click();
    await card().filter({ hasText: flow.cancelled }).waitFor();
    await settled();
    assert.equal(await card().locator('button').count(), 0, 'an answered card has no buttons');
    assert.equal(await card().getAttribute('dir'), flow.dir, 'the answered card keeps its direction');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'widget',
      'focus is on the answered card');
    assert.deepEqual(Object.keys(await statuses(flow.user)), ['1', '2', '3', '4']);
  });

  await step(`${flow.name}: asked again, Confirm deletes both`, async () => {
    await say(flow.deleteTwo);
    await card().locator('[data-testid="widget-confirm"]').waitFor();
    await page.screenshot({ path: join(shots, `${flow.shot}-confirm.png`), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(shots, `${flow.shot}-dark.png`), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
    await card().locator('[data-testid="widget-confirm"]').click();
    await card().filter({ hasText: flow.deleted }).waitFor();
    await settled();
    assert.deepEqual(await statuses(flow.user), { 1: 'completed', 4: 'pending' });
  });

  await step(`${flow.name}: Delete in a row deletes the task and the row; focus moves to the row before`, async () => {
    await row(4).locator('[data-action="tasks.delete"]').click();
    await row(4).waitFor({ state: 'detached' });
    await settled();
    const focused = await page.evaluate(() => document.activeElement?.closest('[data-key]')?.dataset.key);
    assert.equal(focused, 'task-3');
    assert.deepEqual(await statuses(flow.user), { 1: 'completed' });
  });

  await step(`${flow.name}: Complete on a row the confirmed batch deleted shows an error in the widget`, async () => {
    await row(2).locator('[data-action="tasks.complete"]').click();
    await list().locator('[data-testid="widget-error"]').waitFor();
    await settled();
    assert.match(await list().locator('[data-testid="widget-error"]').textContent(), flow.gone);
    assert.equal(await row(2).locator('[data-action="tasks.complete"]').isEnabled(), true, 'controls are usable again');
    assert.deepEqual(await statuses(flow.user), { 1: 'completed' });
  });

  await step(`${flow.name}: every widget control is a named button or labelled field`, async () => {
    const unnamed = await page.evaluate(() => [...document.querySelectorAll('[data-testid="widget"] button, [data-testid="widget"] input')]
      .filter((el) => (el.tagName === 'BUTTON' ? !el.textContent.trim() : !el.labels?.length))
      .map((el) => el.outerHTML.slice(0, 80)));
    assert.deepEqual(unnamed, []);
  });
}

try {
  for (const flow of FLOWS) {
    page = await newPage({ locale: flow.locale });
    await runFlow(flow);
    if (flow.dir === 'rtl') {
      await step('Urdu at phone width: the list fits without sideways scrolling', async () => {
        await page.setViewportSize({ width: 390, height: 844 });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px too wide)`);
        await page.locator('[data-key="task-1"]').last().scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(shots, 'widgets-ur-phone.png') });
      });
    }
    await page.context().close();
  }

  await step('no script error happened and no request left the gateway\'s origin', async () => {
    assert.deepEqual(problems, []);
    assert.deepEqual(requests.filter((url) => new URL(url).origin !== origin), []);
  });
} finally {
  await browser.close();
}
process.exit(0);
