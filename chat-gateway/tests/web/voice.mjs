// The chat page's microphone in headless Chromium (Debian's, driven by playwright-core) with a
// fake microphone playing a WAV that espeak-ng spoke, against gateways that
// chat-gateway/tests/web_voice.rs started: one with a scripted transcription service, one without.
//
// Environment: WEB_BASE_URL (the gateway with voice), WEB_NO_VOICE_URL (one without), WEB_TOKEN (a
// user token to paste), WEB_AUDIO (the WAV), WEB_SPOKEN (what the transcriber answers), WEB_CHROMIUM,
// WEB_PLAYWRIGHT, WEB_SCREENSHOTS. Prints `ok - <step>` per step; exits 1 on the first failure,
// after saving voice-failure.png.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { env, launch } from './harness.mjs';


const base = env('WEB_BASE_URL');
const noVoice = env('WEB_NO_VOICE_URL');
const token = env('WEB_TOKEN');
const spoken = env('WEB_SPOKEN');
const shots = env('WEB_SCREENSHOTS');

let page = null;
const { browser, requests, problems, newPage, step } = await launch({
  failureShot: 'voice-failure.png',
  currentPage: () => page,
  args: [
    '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${env('WEB_AUDIO')}`,
  ],
});

/** A page in `locale` that may use the (fake) microphone on `url`'s origin. */
async function openPage(url, locale = 'en-US') {
  const created = await newPage({ locale });
  await created.context().grantPermissions(['microphone'], { origin: new URL(url).origin });
  return created;
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
    page = await openPage(noVoice);
    await signIn(noVoice);
    // features.json has answered once the page settled; the button stays hidden.
    await page.waitForLoadState('networkidle');
    assert.equal(await byId('mic').isHidden(), true);
    await page.context().close();
  });

  page = await openPage(base);
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
    page = await openPage(base, 'ur-PK');
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
