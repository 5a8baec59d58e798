// The chat page's microphone in headless Chromium (Debian's, driven by playwright-core) with a
// fake microphone playing a WAV that espeak-ng spoke, against gateways that
// chat-gateway/tests/web_voice.rs started: one with a scripted transcription service, one without.
//
// Environment: WEB_BASE_URL (the gateway with voice), WEB_NO_VOICE_URL (one without), WEB_TOKEN (a
// user token to paste), WEB_AUDIO (the WAV), WEB_SPOKEN (what the transcriber answers), WEB_CHROMIUM,
// WEB_PLAYWRIGHT, WEB_SCREENSHOTS. Prints `ok - <step>` per step; exits 1 on the first failure,
// after saving voice-failure.png.

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const base = env('WEB_BASE_URL');
const noVoice = env('WEB_NO_VOICE_URL');
const token = env('WEB_TOKEN');
const spoken = env('WEB_SPOKEN');
const shots = env('WEB_SCREENSHOTS');
const { chromium } = await import(pathToFileURL(join(env('WEB_PLAYWRIGHT'), 'index.mjs')).href);
const TIMEOUT = 20_000;

await mkdir(shots, { recursive: true });
const browser = await chromium.launch({
  executablePath: env('WEB_CHROMIUM'),
  headless: true,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${env('WEB_AUDIO')}`,
  ],
});
const problems = [];
let page = null;

async function newPage(url, locale = 'en-US') {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['microphone'], { origin: new URL(url).origin });
  const created = await context.newPage();
  created.setDefaultTimeout(TIMEOUT);
  created.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  created.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console: ${message.text()}`);
    }
  });
  return created;
}

async function step(name, body) {
  try {
    await body();
    console.log(`ok - ${name}`);
  } catch (error) {
    console.log(`not ok - ${name}`);
    if (page) await page.screenshot({ path: join(shots, 'voice-failure.png'), fullPage: true }).catch(() => {});
    throw error;
  }
}

const byId = (id) => page.getByTestId(id);

async function signIn(url) {
  await page.goto(url);
  await byId('token-input').fill(token);
  await byId('sign-in').click();
  await byId('composer').waitFor();
}

try {
  await step('without a transcription service the page shows no microphone', async () => {
    page = await newPage(noVoice);
    await signIn(noVoice);
    // features.json has answered once the page settled; the button stays hidden.
    await page.waitForLoadState('networkidle');
    assert.equal(await byId('mic').isHidden(), true);
    await page.context().close();
  });

  page = await newPage(base);
  await step('with one, the microphone is a labelled toggle button, not pressed', async () => {
    await signIn(base);
    await byId('mic').waitFor({ state: 'visible' });
    assert.equal(await byId('mic').getAttribute('aria-pressed'), 'false');
    assert.equal((await byId('mic').textContent()).trim(), 'Speak');
  });

  await step('the keyboard starts a recording, and the page shows it is recording', async () => {
    await byId('mic').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('mic').getAttribute('aria-pressed') === 'true');
    assert.equal((await byId('mic').textContent()).trim(), 'Stop recording');
    await byId('voice-status').filter({ hasText: /Recording/ }).waitFor();
    await page.waitForTimeout(3_000); // let the fake microphone play the phrase
    await page.screenshot({ path: join(shots, 'voice-recording.png'), fullPage: true });
  });

  await step('stopping sends the recording and the transcript lands in the composer to correct', async () => {
    await page.keyboard.press('Space');
    await page.waitForFunction((text) => document.getElementById('composer-input').value === text, spoken);
    assert.equal(await byId('mic').getAttribute('aria-pressed'), 'false');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'composer-input');
    await page.screenshot({ path: join(shots, 'voice-transcript.png'), fullPage: true });
  });

  await step('sending the transcript adds the task', async () => {
    await byId('send').click();
    await page.waitForFunction(() => !document.getElementById('send').disabled
      && !document.querySelector('#message-list [aria-busy="true"]')
      && document.querySelectorAll('[data-role="assistant"]').length > 0);
    const reply = await page.locator('[data-role="assistant"] .text').last().textContent();
    assert.match(reply, /buy milk/i);
  });

  await step('in Urdu the microphone is labelled in Urdu and the page is right to left', async () => {
    await page.context().close();
    page = await newPage(base, 'ur-PK');
    await signIn(`${base}/?lang=ur`);
    await byId('mic').waitFor({ state: 'visible' });
    assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
    assert.equal((await byId('mic').textContent()).trim(), 'بولیں');
    await page.screenshot({ path: join(shots, 'voice-urdu.png'), fullPage: true });
  });

  await step('no uncaught errors or console errors', async () => {
    assert.deepEqual(problems, []);
  });
} finally {
  await browser.close();
}
