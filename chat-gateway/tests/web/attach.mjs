// The chat page's attachments in headless Chromium (driven by playwright-core), against a real
// gateway that chat-gateway/tests/web_attach.rs started: a text file picked with the keyboard
// (the 📎 button, Enter, the file chooser), an image pasted into the message box (a thumbnail),
// a CSV dropped on the composer and removed again before sending, then the message sent with the
// two files; the offline agent adds the text file's lines and says it cannot read images. An
// Urdu page labels the button in Urdu, right to left.
//
// Environment: WEB_BASE_URL, WEB_TOKEN, WEB_CHROMIUM, WEB_PLAYWRIGHT, WEB_SCREENSHOTS. Prints
// `ok - <step>` per step; exits 1 on the first failure, after saving attach-failure.png.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { env, launch } from './harness.mjs';


const base = env('WEB_BASE_URL');
const token = env('WEB_TOKEN');
const shots = env('WEB_SCREENSHOTS');
// A real 1×1 PNG (one blue pixel), so the thumbnail renders.
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63d08fedfa0f0003eb0216bc733eee0000000049454e44ae426082', 'hex');

let page = null;
const { browser, problems, newPage, step } = await launch({
  failureShot: 'attach-failure.png',
  currentPage: () => page,
});



const byId = (id) => page.getByTestId(id);
const rows = () => page.locator('[data-testid="attachment"]');
const doneRows = () => page.locator('[data-testid="attachment"].done');

/** Hands `files` ({name, type, base64}) to the page as a DataTransfer and fires `kind` on `selector`. */
async function fire(kind, selector, files) {
  await page.evaluate(({ kind, selector, files }) => {
    const data = new DataTransfer();
    for (const f of files) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      data.items.add(new File([bytes], f.name, { type: f.type }));
    }
    const target = document.querySelector(selector);
    const event = kind === 'paste'
      ? new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true })
      : new DragEvent(kind, { dataTransfer: data, bubbles: true, cancelable: true });
    target.dispatchEvent(event);
  }, { kind, selector, files });
}

try {
  page = await newPage();
  // Subscribing to file choosers is asynchronous in Playwright: a subscription made together
  // with the key press can miss the chooser that press opens, so it is made here, well before.
  const chooserOpened = page.waitForEvent('filechooser', { timeout: 60_000 });

  await step('signing in shows the composer with an attach button', async () => {
    await page.goto(base);
    await byId('token-input').fill(token);
    await byId('sign-in').click();
    await byId('composer').waitFor();
    assert.equal(await byId('attach').getAttribute('aria-label'), 'Attach a file');
  });

  await step('a text file picked with the keyboard uploads and is listed as attached', async () => {
    await byId('attach').focus();
    await page.keyboard.press('Enter');
    const chooser = await chooserOpened;
    await chooser.setFiles({ name: 'list.txt', mimeType: 'text/plain', buffer: Buffer.from('buy milk\ncall mom\npay rent\n') });
    await doneRows().first().waitFor();
    assert.match(await rows().first().locator('.attachment-status').textContent(), /list\.txt attached/);
  });

  await step('an image pasted into the message box gets a thumbnail and uploads', async () => {
    await fire('paste', '#composer-input', [{ name: 'photo.png', type: 'image/png', base64: PNG.toString('base64') }]);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="attachment"].done').length === 2);
    const thumb = rows().nth(1).locator('img.thumb');
    const src = await thumb.getAttribute('src');
    assert.ok(src?.startsWith('data:image/png;base64,'), `thumbnail: ${src?.slice(0, 40)}`);
    await page.waitForFunction(() => document.querySelectorAll('img.thumb')[0]?.naturalWidth === 1);
  });

  await step('a CSV dropped on the composer uploads, and its remove button takes it away', async () => {
    const csv = Buffer.from('title\nfrom the csv\n').toString('base64');
    await fire('drop', '#composer-form', [{ name: 'more.csv', type: 'text/csv', base64: csv }]);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="attachment"].done').length === 3);
    const remove = rows().nth(2).locator('.attachment-remove');
    assert.equal(await remove.getAttribute('aria-label'), 'Remove more.csv');
    await remove.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="attachment"]').length === 2);
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'attach', 'focus returns to the button');
    await page.screenshot({ path: join(shots, 'attach-composer.png'), fullPage: true });
  });

  await step('sending carries the two files: the lines become tasks and the image is said unreadable', async () => {
    await byId('composer').fill('add these');
    await byId('composer').press('Enter');
    await page.locator('[data-role="assistant"] .text').filter({ hasText: /cannot read images/ }).waitFor();
    await page.waitForFunction(() => !document.getElementById('send').disabled);
    assert.equal(await rows().count(), 0, 'the composer is empty again');
    const sent = page.locator('[data-role="user"] [data-testid="sent-attachments"] li');
    assert.equal(await sent.count(), 2, 'the sent message shows its two files');
    await page.waitForFunction(() => document.querySelector('[data-role="user"] img.thumb')?.naturalWidth === 1);
    await page.screenshot({ path: join(shots, 'attach-sent.png'), fullPage: true });
  });

  await step('reloaded, the message still shows its image through a fresh signed preview URL', async () => {
    await page.reload();
    await byId('thread-item').first().waitFor();
    await byId('thread-item').first().locator('button').first().click();
    const img = page.locator('[data-role="user"] img.thumb');
    await img.waitFor();
    assert.match(await img.getAttribute('src'), /\/api\/attachments\/atc_[0-9a-f]+\/preview\?user=alice&expires=\d+&signature=[0-9a-f]{64}$/);
    await page.waitForFunction(() => document.querySelector('[data-role="user"] img.thumb')?.naturalWidth === 1);
  });

  await step('the Urdu page labels the attach button in Urdu, right to left', async () => {
    await page.goto(`${base}/?lang=ur`);
    await byId('composer').waitFor();
    assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
    assert.equal(await byId('attach').getAttribute('aria-label'), 'فائل منسلک کریں');
  });

  assert.deepEqual(problems, [], 'no uncaught errors or console errors');
  console.log('ok - no uncaught errors or console errors');
} finally {
  await browser.close();
}
