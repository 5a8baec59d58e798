// The thread list: one `thread-item` per thread, newest first, each with open, rename (an
// inline form: Enter saves, Escape cancels) and delete buttons. The list only renders and
// reports; the app does the requests.

import { el } from './dom.js';
import { t } from './i18n.js';

/** The list of a user's threads. */
export class ThreadList {
  #list;
  #actions;
  #selected = null;
  /** thread id -> thread (id, title…) */
  #threads = new Map();

  /** `actions`: `open(id)`, `rename(id, title)` (a promise), `remove(id)`. */
  constructor(list, actions) {
    this.#list = list;
    this.#actions = actions;
  }

  /** Replaces the list (`append`: adds an older page at the end instead). */
  set(threads, append = false) {
    if (!append) {
      this.#list.replaceChildren();
      this.#threads.clear();
    }
    for (const thread of threads) this.upsert(thread, false);
  }

  /** Adds a thread (at the top when `top`) or refreshes the one with its id. */
  upsert(thread, top = true) {
    const known = this.#threads.has(thread.id);
    this.#threads.set(thread.id, { ...this.#threads.get(thread.id), ...thread });
    const node = this.#row(this.#threads.get(thread.id));
    const old = this.#node(thread.id);
    if (old) old.replaceWith(node);
    else if (top && !known) this.#list.prepend(node);
    else this.#list.append(node);
  }

  /** Removes a thread's row; returns the element that should take focus next, if any. */
  remove(id) {
    const node = this.#node(id);
    const next = node?.nextElementSibling ?? node?.previousElementSibling;
    node?.remove();
    this.#threads.delete(id);
    return next?.querySelector('.open') ?? null;
  }

  /** Marks the open thread (null: none). */
  select(id) {
    this.#selected = id;
    for (const button of this.#list.querySelectorAll('.open')) {
      button.setAttribute('aria-current', button.closest('li').dataset.threadId === id ? 'true' : 'false');
    }
  }

  /** A thread's title as shown. */
  title(id) {
    return this.#threads.get(id)?.title || t('untitled');
  }

  #node(id) {
    return [...this.#list.children].find((li) => li.dataset.threadId === id) ?? null;
  }

  #row(thread) {
    const title = thread.title || t('untitled');
    const open = el('button', {
      type: 'button', class: 'open', 'aria-current': thread.id === this.#selected ? 'true' : 'false',
    }, el('span', { class: 'title', dir: 'auto', text: title }));
    open.addEventListener('click', () => this.#actions.open(thread.id));
    const rename = el('button', {
      type: 'button', class: 'icon-button', 'data-testid': 'rename-thread',
      'aria-label': t('renameNamed', title), title: t('rename'),
    }, el('span', { 'aria-hidden': 'true', text: '✎' }));
    rename.addEventListener('click', () => this.#edit(thread.id));
    const remove = el('button', {
      type: 'button', class: 'icon-button', 'data-testid': 'delete-thread',
      'aria-label': t('deleteNamed', title), title: t('delete'),
    }, el('span', { 'aria-hidden': 'true', text: '🗑' }));
    remove.addEventListener('click', () => this.#actions.remove(thread.id));
    return el('li', { 'data-testid': 'thread-item', 'data-thread-id': thread.id, class: 'thread' }, open, rename, remove);
  }

  /** Swaps a row for a rename form; restores it on save or cancel, focus back on its rename button. */
  #edit(id) {
    const row = this.#node(id);
    if (!row) return;
    const inputId = `rename-${id}`;
    const input = el('input', { id: inputId, dir: 'auto', maxlength: 200, 'data-testid': 'rename-input' });
    input.value = this.#threads.get(id)?.title ?? '';
    const form = el('form', { class: 'rename' },
      el('label', { for: inputId, class: 'visually-hidden', text: t('renameLabel') }), input,
      el('button', { type: 'submit', class: 'primary', text: t('save') }),
      el('button', { type: 'button', class: 'cancel', text: t('cancel') }));
    const editing = el('li', { 'data-testid': 'thread-item', 'data-thread-id': id, class: 'thread editing' }, form);
    const restore = () => {
      if (!this.#threads.has(id)) return; // deleted meanwhile
      const fresh = this.#row(this.#threads.get(id));
      // The row may have been refreshed meanwhile (a thread.updated event, the rename itself).
      (this.#node(id) ?? editing).replaceWith(fresh);
      fresh.querySelector('[data-testid="rename-thread"]').focus();
    };
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const title = input.value.trim();
      if (title && title !== this.#threads.get(id)?.title) {
        const updated = await this.#actions.rename(id, title);
        if (updated) this.#threads.set(id, { ...this.#threads.get(id), ...updated });
      }
      restore();
    });
    form.querySelector('.cancel').addEventListener('click', restore);
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        restore();
      }
    });
    row.replaceWith(editing);
    input.focus();
    input.select();
  }
}
