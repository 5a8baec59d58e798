// The /widget page: OpenAI's ChatKit web component in custom-backend mode, pointed at this
// gateway's /chatkit with the user's token added as a Bearer header by a custom fetch.
// Needs internet access (the component and its UI frame come from OpenAI's CDN) and a domain key.

const TOKEN_KEY = 'tasks-chat.token';
const LOAD_TIMEOUT_MS = 15000;

const form = document.getElementById('widget-form');
const keyInput = document.getElementById('domain-key');
const tokenInput = document.getElementById('widget-token');
const status = document.getElementById('widget-status');
const element = document.getElementById('chatkit');

const query = new URLSearchParams(location.search);
keyInput.value = query.get('domainKey') ?? (location.hostname === 'localhost' ? 'domain_pk_localhost_dev' : '');
tokenInput.value = query.get('token') ?? localStorage.getItem(TOKEN_KEY) ?? '';

/** Resolves when the component is defined, or rejects after LOAD_TIMEOUT_MS. */
function componentLoaded() {
  const timeout = new Promise((_, reject) =>
    setTimeout(() => reject(new Error('timeout')), LOAD_TIMEOUT_MS));
  return Promise.race([customElements.whenDefined('openai-chatkit'), timeout]);
}

async function open(domainKey, token) {
  status.textContent = 'Loading the ChatKit widget…';
  try {
    await componentLoaded();
  } catch {
    status.textContent = 'The ChatKit widget did not load: this page needs internet access to '
      + 'cdn.platform.openai.com. The built-in page at / works offline.';
    return;
  }
  // Dictation sends `input.transcribe`, which works only when the gateway has a transcription
  // service: /web/features.json says so.
  const features = await fetch('/web/features.json').then((r) => r.json()).catch(() => ({}));
  element.setOptions({
    api: {
      url: new URL('/chatkit', location.origin).href,
      domainKey,
      // Every request the widget makes goes through here, attachment uploads included (to the
      // upload_descriptor URL the gateway hands out), so the Bearer token authorizes them too.
      fetch(input, init = {}) {
        const headers = new Headers(init.headers);
        headers.set('Authorization', `Bearer ${token}`);
        return fetch(input, { ...init, headers });
      },
      uploadStrategy: { type: 'two_phase' },
    },
    // The gateway checks again (size, quota, the bytes' real type).
    composer: {
      attachments: {
        enabled: true,
        maxCount: 10,
        maxSize: 10 * 1024 * 1024,
        accept: {
          'image/png': ['.png'], 'image/jpeg': ['.jpg', '.jpeg'], 'image/webp': ['.webp'],
          'text/plain': ['.txt'], 'text/csv': ['.csv'], 'text/calendar': ['.ics'],
        },
      },
      dictation: { enabled: Boolean(features.voice) },
    },
    history: { enabled: true, showDelete: true, showRename: true },
  });
  element.addEventListener('chatkit.error', (event) => {
    status.textContent = `ChatKit error: ${event.detail?.error?.message ?? 'unknown'}`;
  });
  localStorage.setItem(TOKEN_KEY, token);
  element.hidden = false;
  status.textContent = '';
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const domainKey = keyInput.value.trim();
  const token = tokenInput.value.trim();
  if (!domainKey || !token) {
    status.textContent = 'Both the domain key and the token are needed.';
    return;
  }
  form.hidden = true;
  open(domainKey, token);
});
