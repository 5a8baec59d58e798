// Attachments in the composer: pick files with the button (or Enter/Space on it), drop them on
// the composer, or paste them into the message box. Each one is created with
// `attachments.create`, then uploaded to the URL the gateway hands out (multipart `file`, with
// the Bearer token) by XHR so its progress shows; images get a thumbnail. A file can be removed
// before sending (`attachments.delete`). The message sends the ids of the uploaded ones.

import { el } from './dom.js';
import { lang } from './i18n.js';

/** What the gateway accepts (the server checks again, by the bytes). */
const ACCEPT = '.png,.jpg,.jpeg,.webp,.txt,.csv,.ics,image/png,image/jpeg,image/webp,text/plain,text/csv,text/calendar';

const LABELS = {
  en: {
    attach: 'Attach a file',
    remove: 'Remove {0}',
    uploading: 'Uploading {0}',
    uploaded: '{0} attached',
    failed: '{0} could not be attached: {1}',
    waiting: 'Wait for the files to finish uploading.',
  },
  ur: {
    attach: 'فائل منسلک کریں',
    remove: '{0} ہٹائیں',
    uploading: '{0} اپ لوڈ ہو رہی ہے',
    uploaded: '{0} منسلک ہو گئی',
    failed: '{0} منسلک نہیں ہو سکی: {1}',
    waiting: 'فائلوں کے اپ لوڈ ہونے کا انتظار کریں۔',
  },
};

function t(key, ...args) {
  const text = (LABELS[lang] ?? LABELS.en)[key] ?? LABELS.en[key];
  return text.replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)] ?? ''));
}

/** The composer's attachments: the files picked, their uploads, and the ids to send. */
export class Attachments {
  /**
   * `form` is the composer (drop target, gets the button and the list), `textarea` the message
   * box (paste target), `client()` the current ChatKitClient (null when signed out).
   */
  constructor({ form, textarea, client }) {
    this.client = client;
    this.items = [];
    this.picker = el('input', { type: 'file', multiple: true, accept: ACCEPT, hidden: true, 'data-testid': 'attach-input' });
    this.button = el('button', {
      type: 'button', class: 'attach', 'data-testid': 'attach', 'aria-label': t('attach'), title: t('attach'),
    }, paperclip());
    this.list = el('ul', { class: 'attachments', 'data-testid': 'attachments', 'aria-live': 'polite' });
    form.prepend(this.button, this.picker);
    form.before(this.list);
    this.button.addEventListener('click', () => this.picker.click());
    this.picker.addEventListener('change', () => {
      this.add([...this.picker.files]);
      this.picker.value = '';
    });
    form.addEventListener('dragover', (event) => {
      if (![...(event.dataTransfer?.types ?? [])].includes('Files')) return;
      event.preventDefault();
      form.classList.add('dropping');
    });
    form.addEventListener('dragleave', () => form.classList.remove('dropping'));
    form.addEventListener('drop', (event) => {
      form.classList.remove('dropping');
      if (!event.dataTransfer?.files?.length) return;
      event.preventDefault();
      this.add([...event.dataTransfer.files]);
    });
    textarea.addEventListener('paste', (event) => {
      const files = [...(event.clipboardData?.files ?? [])];
      if (!files.length) return;
      event.preventDefault();
      this.add(files);
    });
  }

  /** Whether a file is still uploading (sending now would leave it out). */
  get uploading() {
    return this.items.some((item) => item.state === 'uploading');
  }

  /** The label to show when sending must wait. */
  get waitMessage() {
    return t('waiting');
  }

  /** The ids of the uploaded files, and forgets them (they belong to the message now). */
  take() {
    const ids = this.items.filter((item) => item.state === 'done').map((item) => item.id);
    for (const item of this.items.filter((i) => i.state !== 'uploading')) item.row.remove();
    this.items = this.items.filter((item) => item.state === 'uploading');
    return ids;
  }

  /** Starts uploading each of `files`. */
  add(files) {
    for (const file of files) this.#upload(file);
  }

  async #upload(file) {
    const item = { file, id: null, state: 'uploading', xhr: null };
    const progress = el('progress', { max: 100, value: 0, 'aria-label': t('uploading', file.name) });
    const status = el('span', { class: 'attachment-status', role: 'status' });
    const remove = el('button', { type: 'button', class: 'attachment-remove', 'aria-label': t('remove', file.name), title: t('remove', file.name) }, '×');
    const extension = (file.name.includes('.') ? file.name.split('.').pop() : 'file').slice(0, 4).toUpperCase();
    const thumb = file.type.startsWith('image/')
      ? el('img', { class: 'thumb', alt: '' })
      : el('span', { class: 'thumb file', 'aria-hidden': 'true' }, extension);
    item.row = el('li', { class: 'attachment', 'data-testid': 'attachment' },
      thumb, el('span', { class: 'attachment-name', dir: 'auto', text: file.name }), progress, status, remove);
    remove.addEventListener('click', () => this.#remove(item));
    this.items.push(item);
    this.list.append(item.row);
    if (thumb.tagName === 'IMG') {
      // A data URL: the page's Content-Security-Policy allows `data:` images, not `blob:`.
      const reader = new FileReader();
      reader.onload = () => { thumb.src = reader.result; };
      reader.readAsDataURL(file);
    }
    try {
      const client = this.client();
      const mime = file.type || guessType(file.name);
      const created = await client.request('attachments.create', { name: file.name, size: file.size, mime_type: mime });
      item.id = created.id;
      if (item.state === 'removed') return this.#forget(item);
      const token = typeof client.token === 'function' ? await client.token() : client.token;
      await this.#send(item, created.upload_descriptor, token, progress);
      item.state = 'done';
      item.row.classList.add('done');
      progress.hidden = true;
      status.textContent = t('uploaded', file.name);
    } catch (error) {
      if (item.state === 'removed') return;
      item.state = 'failed';
      item.row.classList.add('failed');
      progress.hidden = true;
      status.setAttribute('role', 'alert');
      status.textContent = t('failed', file.name, error.message || String(error));
    }
  }

  /** POSTs the file to `descriptor.url` as multipart `file`, showing progress. */
  #send(item, descriptor, token, progress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      item.xhr = xhr;
      xhr.open(descriptor.method || 'POST', descriptor.url);
      xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      for (const [name, value] of Object.entries(descriptor.headers ?? {})) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable) progress.value = Math.round((100 * event.loaded) / event.total);
      };
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) return resolve();
        let message = xhr.statusText;
        try { message = JSON.parse(xhr.responseText).error.message; } catch { /* not JSON */ }
        reject(new Error(message));
      };
      xhr.onerror = () => reject(new Error('network error'));
      xhr.onabort = () => reject(new Error('aborted'));
      const form = new FormData();
      form.append('file', item.file, item.file.name);
      xhr.send(form);
    });
  }

  #remove(item) {
    const wasUploading = item.state === 'uploading';
    item.state = 'removed';
    item.xhr?.abort();
    item.row.remove();
    this.items = this.items.filter((i) => i !== item);
    this.button.focus();
    // Still being created: its id arrives later, and #upload forgets it then.
    if (item.id || !wasUploading) this.#forget(item);
  }

  #forget(item) {
    if (!item.id) return;
    this.client()?.request('attachments.delete', { attachment_id: item.id }).catch(() => {
      // Already gone, or the network is down: an unsent upload is pruned after a day anyway.
    });
  }
}

/** What a sent message carries, for its bubble: images as thumbnails (their signed preview
 * URLs), other files by name; nothing when it carries none. */
export function attachedFiles(attachments = []) {
  if (!attachments.length) return [];
  const list = el('ul', { class: 'sent-attachments', 'data-testid': 'sent-attachments' });
  for (const a of attachments) {
    const shown = a.type === 'image' && a.preview_url
      ? el('img', { class: 'thumb', src: a.preview_url, alt: a.name })
      : el('span', { class: 'attachment-name', dir: 'auto', text: a.name });
    list.append(el('li', { class: 'attachment' }, shown));
  }
  return [list];
}

/** A paper clip icon (inline SVG: no icon font, no emoji font needed). */
function paperclip() {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  for (const [name, value] of Object.entries({
    viewBox: '0 0 24 24', width: '20', height: '20', fill: 'none', stroke: 'currentColor',
    'stroke-width': '2', 'stroke-linecap': 'round', 'stroke-linejoin': 'round', 'aria-hidden': 'true',
  })) svg.setAttribute(name, value);
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M21 12.5l-8.5 8.5a5 5 0 0 1-7-7l9-9a3.5 3.5 0 0 1 5 5l-9 9a2 2 0 0 1-3-3l8-8');
  svg.append(path);
  return svg;
}

/** A type for a file the browser did not type (e.g. `.ics` on some systems). */
function guessType(name) {
  const ext = name.toLowerCase().split('.').pop();
  return { ics: 'text/calendar', csv: 'text/csv', txt: 'text/plain', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp' }[ext] ?? '';
}
