// The chat page's controller: sign-in (with the gateway's OpenID provider when it has one, see
// oidc.js; a pasted token; or one-click dev login when the gateway offers it), the thread list,
// and the conversation, all over the ChatKit protocol at /chatkit. A pasted token lives in
// localStorage, the provider's in sessionStorage; either goes out only as a Bearer header to
// this origin.

import { ApiError, ChatKitClient } from './api.js';
import { Attachments } from './attach.js';
import { applyLabels, t } from './i18n.js';
import { Conversation } from './items.js';
import * as oidc from './oidc.js';
import { ThreadList } from './threads.js';
import { setUpVoice } from './voice.js';

const ENDPOINT = '/chatkit';
const TOKEN_KEY = 'tasks-chat.token';
const THREAD_PAGE = 30;
const ITEM_PAGE = 100;
/** The most item pages loaded for one thread (10,000 items). */
const MAX_ITEM_PAGES = 100;

const $ = (id) => document.getElementById(id);
const ui = {
  signin: $('signin'), signinForm: $('signin-form'), tokenInput: $('token-input'),
  signinError: $('signin-error'), devLogin: $('dev-login'), providerLogin: $('provider-login'),
  app: $('app'), toggle: $('toggle-threads'), nav: $('threads'), signOut: $('sign-out'),
  newThread: $('new-thread'), threadList: $('thread-list'), moreThreads: $('more-threads'),
  title: $('thread-title'), appError: $('app-error'), messages: $('message-list'),
  progress: $('progress'), emptyHint: $('empty-hint'),
  composer: $('composer-form'), input: $('composer-input'), send: $('send'), stop: $('stop'),
};

// `view` counts what the pane shows: a stream that outlives its view (the user opened another
// thread) no longer touches the pane.
const state = { oidc: null, client: null, threadId: null, busy: false, abort: null, threadsAfter: null, view: 0 };
const conversation = new Conversation(ui.messages, ui.progress, ui.emptyHint, {
  client: () => state.client, threadId: () => state.threadId, failed: actionFailed,
});
const threads = new ThreadList(ui.threadList, { open: openThread, rename: renameThread, remove: deleteThread });

/** A message for a failed request, in the UI language. */
function describe(error) {
  if (!(error instanceof ApiError)) return t('errorGeneric');
  if (error.status === 0) return t('unreachable');
  if (error.status === 429) return t('rateLimited', error.retryAfter ?? 1);
  if (error.status === 404) return t('notFound');
  return error.message || t('errorGeneric');
}

/** A widget action's failure: a 401 signs out (null), anything else is a message to show. */
function actionFailed(error) {
  if (error instanceof ApiError && error.status === 401) {
    signOut(t('sessionEnded'));
    return null;
  }
  if (error instanceof ApiError && error.status === 404) return t('taskGone');
  const refused = error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429;
  return refused && error.message ? error.message : describe(error);
}

/** Runs a non-streaming request; shows failures (a 401 signs out) and returns null for them. */
async function call(type, params) {
  ui.appError.textContent = '';
  try {
    return await state.client.request(type, params);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) signOut(t('sessionEnded'));
    else ui.appError.textContent = describe(error);
    return null;
  }
}

// --- signing in and out -------------------------------------------------------------------

/** Signs in with `token`: a pasted string, or a function giving the provider's current one. */
async function signIn(token, remembered = false) {
  ui.signinError.textContent = '';
  const client = new ChatKitClient(ENDPOINT, token);
  let page;
  try {
    page = await client.request('threads.list', { limit: THREAD_PAGE, order: 'desc' });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      localStorage.removeItem(TOKEN_KEY);
      oidc.forget();
      showSignIn(remembered ? t('sessionEnded') : t('tokenRejected'));
    } else {
      showSignIn(describe(error));
    }
    return;
  }
  if (typeof token === 'string') localStorage.setItem(TOKEN_KEY, token);
  state.client = client;
  ui.tokenInput.value = '';
  ui.signin.hidden = true;
  ui.app.hidden = false;
  showThreads(page, false);
  newThread();
}

/** Signs out; `everywhere` (the Sign out button) also ends the provider's session. */
function signOut(message = '', everywhere = false) {
  state.abort?.abort();
  state.view += 1;
  localStorage.removeItem(TOKEN_KEY);
  if (everywhere && oidc.signOut(state.oidc)) return;
  oidc.forget();
  state.client = null;
  state.threadId = null;
  threads.set([]);
  conversation.clear();
  showSignIn(message);
}

function showSignIn(message = '') {
  ui.app.hidden = true;
  ui.signin.hidden = false;
  ui.signinError.textContent = message;
  ui.tokenInput.focus();
}

/** Shows the Dev login button only when the gateway answers /dev/token (the `dev` command). */
async function offerDevLogin() {
  try {
    const response = await fetch('/dev/token', { cache: 'no-store' });
    ui.devLogin.hidden = !response.ok;
  } catch {
    ui.devLogin.hidden = true;
  }
}

/** Goes to the provider's sign-in page. */
async function providerLogin() {
  try {
    await oidc.startSignIn(state.oidc);
  } catch (error) {
    showSignIn(t('providerFailed', error.message));
  }
}

/** Comes back from the provider (a code to trade), or resumes this tab's provider session. */
async function resumeProvider() {
  state.oidc = await oidc.loadConfig();
  ui.providerLogin.hidden = !state.oidc;
  if (!state.oidc) return false;
  if (oidc.isCallback()) {
    try {
      await oidc.completeSignIn(state.oidc);
    } catch (error) {
      showSignIn(t('providerFailed', error.message));
      return true;
    }
  }
  if (!oidc.hasSession()) return false;
  await signIn(() => oidc.accessToken(state.oidc), true);
  return true;
}

async function devLogin() {
  try {
    const response = await fetch('/dev/token', { cache: 'no-store' });
    if (!response.ok) throw new ApiError(response.status, 'dev_login', response.statusText);
    const { token } = await response.json();
    await signIn(token);
  } catch (error) {
    showSignIn(describe(error));
  }
}

// --- threads ------------------------------------------------------------------------------

function showThreads(page, append) {
  threads.set(page.data ?? [], append);
  state.threadsAfter = page.has_more ? page.after : null;
  ui.moreThreads.hidden = !state.threadsAfter;
}

async function moreThreads() {
  const params = { limit: THREAD_PAGE, order: 'desc', after: state.threadsAfter };
  const page = await call('threads.list', params);
  if (page) showThreads(page, true);
}

function setTitle() {
  ui.title.textContent = state.threadId ? threads.title(state.threadId) : t('newThread');
}

function newThread() {
  state.abort?.abort();
  state.view += 1;
  state.threadId = null;
  threads.select(null);
  conversation.clear();
  setTitle();
  closeDrawer();
  ui.input.focus();
}

async function openThread(id) {
  state.abort?.abort();
  state.view += 1;
  state.threadId = id;
  threads.select(id);
  setTitle();
  conversation.clear();
  conversation.status(t('loading'));
  closeDrawer();
  let after = null;
  for (let pages = 0; pages < MAX_ITEM_PAGES; pages += 1) {
    const page = await call('items.list', { thread_id: id, order: 'asc', limit: ITEM_PAGE, after });
    if (!page || state.threadId !== id) break;
    conversation.show(page.data ?? []);
    if (!page.has_more || !page.after) break;
    after = page.after;
  }
  if (state.threadId === id) conversation.status('');
  ui.input.focus();
}

async function renameThread(id, title) {
  const thread = await call('threads.update', { thread_id: id, title });
  if (thread) {
    threads.upsert(thread);
    if (id === state.threadId) setTitle();
  }
  return thread;
}

async function deleteThread(id) {
  if (!window.confirm(t('confirmDelete', threads.title(id)))) return;
  if (!(await call('threads.delete', { thread_id: id }))) return;
  const next = threads.remove(id);
  if (id === state.threadId) newThread();
  (next ?? ui.newThread).focus();
}

// --- the conversation ---------------------------------------------------------------------

function setBusy(busy) {
  state.busy = busy;
  ui.send.disabled = busy;
  ui.stop.hidden = !busy;
  ui.messages.setAttribute('aria-busy', busy ? 'true' : 'false');
}

function onEvent(event) {
  switch (event.type) {
    case 'thread.created':
      state.threadId = event.thread.id;
      threads.upsert(event.thread);
      threads.select(state.threadId);
      setTitle();
      break;
    case 'thread.updated':
      threads.upsert(event.thread);
      if (event.thread.id === state.threadId) setTitle();
      break;
    case 'error': {
      const message = event.code === 'custom' && event.message ? event.message : t('errorGeneric');
      conversation.showError(message, event.allow_retry ? retryLastTurn : null);
      break;
    }
    default:
      conversation.apply(event);
  }
}

/** Runs one streaming operation; `again` re-runs it when it failed before the stream opened. */
async function stream(type, params, again) {
  if (state.busy || !state.client) return;
  setBusy(true);
  const abort = new AbortController();
  state.abort = abort;
  const view = state.view;
  const current = () => state.view === view;
  conversation.status(t('working'));
  try {
    for await (const event of state.client.stream(type, params, abort.signal)) {
      if (current()) onEvent(event);
    }
    if (current()) conversation.status('');
  } catch (error) {
    if (error.name === 'AbortError') {
      if (current()) conversation.status(t('stopped'));
    } else if (error instanceof ApiError && error.status === 401) {
      signOut(t('sessionEnded'));
    } else if (current()) {
      conversation.status('');
      conversation.showError(describe(error), again);
    }
  } finally {
    if (state.abort === abort) state.abort = null;
    if (current()) conversation.finish();
    setBusy(false);
  }
}

function send(text, attached = []) {
  const input = { content: [{ type: 'input_text', text }], attachments: attached, inference_options: {} };
  const [type, params] = state.threadId
    ? ['threads.add_user_message', { thread_id: state.threadId, input }]
    : ['threads.create', { input }];
  return stream(type, params, () => send(text, attached));
}

/** Retry after an error event: the server drops what followed the last user message and answers it again. */
function retryLastTurn() {
  const itemId = conversation.lastUserItemId();
  if (!state.threadId || !itemId) return;
  conversation.removeAfter(itemId);
  stream('threads.retry_after_item', { thread_id: state.threadId, item_id: itemId }, retryLastTurn);
}

// --- the phone-width drawer ---------------------------------------------------------------

function closeDrawer() {
  ui.toggle.setAttribute('aria-expanded', 'false');
  ui.nav.classList.remove('open');
}

function toggleDrawer() {
  const open = ui.toggle.getAttribute('aria-expanded') !== 'true';
  ui.toggle.setAttribute('aria-expanded', String(open));
  ui.nav.classList.toggle('open', open);
  if (open) ui.newThread.focus();
}

// --- wiring -------------------------------------------------------------------------------

ui.signinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const token = ui.tokenInput.value.trim().replace(/^Bearer\s+/i, '');
  if (!token) showSignIn(t('tokenMissing'));
  else signIn(token);
});
ui.devLogin.addEventListener('click', devLogin);
ui.providerLogin.addEventListener('click', providerLogin);
ui.signOut.addEventListener('click', () => signOut('', true));
ui.newThread.addEventListener('click', newThread);
ui.moreThreads.addEventListener('click', moreThreads);
ui.toggle.addEventListener('click', toggleDrawer);
ui.nav.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && ui.nav.classList.contains('open')) {
    closeDrawer();
    ui.toggle.focus();
  }
});
ui.stop.addEventListener('click', () => state.abort?.abort());
const attachments = new Attachments({ form: ui.composer, textarea: ui.input, client: () => state.client });
ui.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = ui.input.value.trim();
  if (state.busy) return;
  if (attachments.uploading) return conversation.status(attachments.waitMessage);
  const attached = attachments.take();
  if (!text && !attached.length) return;
  ui.input.value = '';
  send(text, attached);
});
ui.input.addEventListener('keydown', (event) => {
  // Enter sends; Shift+Enter is a new line; Enter that confirms an IME composition is left alone.
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    ui.composer.requestSubmit();
  }
});

applyLabels();
offerDevLogin();
setUpVoice({ button: $('mic'), status: $('voice-status'), input: ui.input, client: () => state.client });
if (!(await resumeProvider())) {
  const saved = localStorage.getItem(TOKEN_KEY);
  if (saved) signIn(saved, true);
  else showSignIn();
}
