// What the browser scripts share: the variables the Rust test passes them, Debian's Chromium
// launched headless through playwright-core, pages that collect the requests they make and the
// errors they log, and steps that print `ok - …` / `not ok - …` and leave a screenshot of a
// failure.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** How long one browser action may take. */
export const TIMEOUT = 20_000;

/** Chromium's flags for a headless run in a container. */
const USUAL_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'];

/** The environment variable `name`, which the Rust test sets; throws when it is not set. */
export function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/**
 * Launches Chromium (`args` beyond the usual flags) and returns what a script drives it with:
 * `newPage(options)` opens a page in a new context (English, 1280×800, then `options`) whose
 * requests go to `requests` (as `request` maps each; its URL by default), whose context
 * `onContext` may watch further, and whose uncaught errors and console errors go to `problems`
 * (a refused token's 401 logs a failed load, which is not one); `step(name, body)` runs one
 * step and, when it fails, calls `onFailure` and screenshots `currentPage()` to `failureShot`
 * in the screenshots folder (`WEB_SCREENSHOTS`, created here).
 */
export async function launch({
  failureShot,
  currentPage,
  args = [],
  request = (r) => r.url(),
  onContext = () => {},
  onFailure = () => {},
}) {
  const shots = env('WEB_SCREENSHOTS');
  await mkdir(shots, { recursive: true });
  const { chromium } = await import(pathToFileURL(join(env('WEB_PLAYWRIGHT'), 'index.mjs')).href);
  const browser = await chromium.launch({
    executablePath: env('WEB_CHROMIUM'),
    headless: true,
    args: [...USUAL_ARGS, ...args],
  });
  const requests = [];
  const problems = [];

  async function newPage(options = {}) {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 }, ...options });
    context.on('request', (r) => requests.push(request(r)));
    onContext(context);
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
      onFailure();
      const page = currentPage();
      if (page) await page.screenshot({ path: join(shots, failureShot), fullPage: true }).catch(() => {});
      throw error;
    }
  }

  return { browser, shots, requests, problems, newPage, step };
}
