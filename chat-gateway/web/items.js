// The conversation pane: renders thread items (from history or as stream events arrive) into
// the message list. User and assistant messages are `message` items with `data-role`; tool
// calls (workflow items) show each step while it runs; notices and errors (with Retry) follow.
// Widget items are rendered by widgets.js; their actions run here (`threads.custom_action`, or
// `threads.sync_custom_action` for non-streaming ones) and update the widget in place.

import { el } from './dom.js';
import { t } from './i18n.js';
import { attachedFiles } from './attach.js';
import { foldRepeats, focusSpot, restoreFocus, setBusy, showError, updatedWidget, widgetItem } from './widgets.js';

/** The rendered conversation of one thread. */
export class Conversation {
  #list;
  #progress;
  #emptyHint;
  /** item id -> its <li> */
  #nodes = new Map();
  /** widget item id -> the item as last shown */
  #widgets = new Map();
  /** ids of widgets whose action is running */
  #acting = new Set();
  /** counts clear(): an action that outlives what it was shown in stops touching the pane */
  #generation = 0;
  #host;

  /**
   * `host` runs widget actions: `client()` (a ChatKitClient), `threadId()`, and `failed(error)`
   * (a message for a failed request, or null when the host handled it, e.g. by signing out).
   */
  constructor(list, progress, emptyHint, host = null) {
    this.#list = list;
    this.#progress = progress;
    this.#emptyHint = emptyHint;
    this.#host = host;
  }

  /** Empties the pane. */
  clear() {
    this.#generation += 1;
    this.#list.replaceChildren();
    this.#nodes.clear();
    this.#widgets.clear();
    this.#acting.clear();
    this.#progress.textContent = '';
    this.#refresh();
  }

  /** Renders stored items (oldest first). */
  show(items) {
    for (const item of items) this.#upsert(item, true);
    this.#scroll(true);
  }

  /** Applies one stream event; thread events are the caller's. */
  apply(event) {
    const stick = this.#atBottom();
    switch (event.type) {
      case 'thread.item.added':
        this.#upsert(event.item, false);
        break;
      case 'thread.item.done':
      case 'thread.item.replaced':
        this.#upsert(event.item, true);
        break;
      case 'thread.item.updated':
        this.#update(event.item_id, event.update);
        break;
      case 'thread.item.removed':
        this.#nodes.get(event.item_id)?.remove();
        this.#nodes.delete(event.item_id);
        this.#widgets.delete(event.item_id);
        break;
      case 'progress_update':
        this.#progress.textContent = event.text ?? '';
        break;
      case 'notice':
        this.#append(notice(event));
        break;
      case 'client_effect':
        // e.g. `tasks.changed`: for a host page that shows tasks of its own.
        this.#list.dispatchEvent(new CustomEvent('client-effect', { bubbles: true, detail: { name: event.name, data: event.data ?? {} } }));
        break;
      default:
        break; // stream_options: nothing to show
    }
    this.#scroll(stick);
  }

  /** Shows an error; with `retry`, a Retry button that removes the error and calls it. */
  showError(message, retry) {
    const node = el('li', { class: 'error', 'data-testid': 'error', role: 'alert' },
      el('p', { dir: 'auto', text: message }));
    if (retry) {
      const button = el('button', { type: 'button', class: 'retry', 'data-testid': 'retry', text: t('retry') });
      button.addEventListener('click', () => {
        node.remove();
        this.#refresh();
        retry();
      });
      node.append(button);
    }
    this.#append(node);
    this.#scroll(true);
    return node;
  }

  /** Shows a transient status line (e.g. "Working…"); empty clears it. */
  status(text) {
    this.#progress.textContent = text;
  }

  /** Ends a stream: no message is still marked busy (a widget whose action runs still is). */
  finish() {
    for (const node of this.#list.querySelectorAll('[aria-busy="true"]')) {
      if (!this.#acting.has(node.dataset.itemId)) node.setAttribute('aria-busy', 'false');
    }
  }

  /** The id of the last user message shown, if any. */
  lastUserItemId() {
    const nodes = this.#list.querySelectorAll('[data-role="user"][data-item-id]');
    return nodes.length ? nodes[nodes.length - 1].dataset.itemId : null;
  }

  /** Removes everything shown after the item `id` (what a retry replaces). */
  removeAfter(id) {
    const node = this.#nodes.get(id);
    while (node?.nextElementSibling) {
      const next = node.nextElementSibling;
      if (next.dataset.itemId) this.#nodes.delete(next.dataset.itemId);
      next.remove();
    }
  }

  #upsert(item, done) {
    const node = item.type === 'widget' ? this.#widget(item) : render(item, done);
    if (!node) return;
    const old = this.#nodes.get(item.id);
    // A finished reply does not repeat, as text, the lines a widget of its turn already shows.
    if (item.type === 'assistant_message' && done) foldRepeats(node, this.#turnWidgets(old));
    if (old) old.replaceWith(node);
    else this.#append(node);
    this.#nodes.set(item.id, node);
  }

  #update(id, update) {
    const node = this.#nodes.get(id);
    if (!node) return;
    switch (update.type) {
      case 'assistant_message.content_part.added':
      case 'assistant_message.content_part.done':
        part(node, update.content_index).textContent = update.content?.text ?? '';
        break;
      case 'assistant_message.content_part.text_delta':
        // A text node per delta: the reply visibly grows as it streams.
        part(node, update.content_index).append(update.delta ?? '');
        break;
      case 'workflow.task.added':
      case 'workflow.task.updated':
        setTask(node, update.task_index, update.task);
        break;
      default: {
        const item = this.#widgets.get(id);
        const next = item && updatedWidget(item, update);
        if (next) this.#upsert(next, true);
        break;
      }
    }
  }

  /** The widget items shown in the current turn before `node` (or before the end). */
  #turnWidgets(node) {
    const found = [];
    let at = node ? node.previousElementSibling : this.#list.lastElementChild;
    for (; at && at.dataset.role !== 'user'; at = at.previousElementSibling) {
      const item = this.#widgets.get(at.dataset.itemId);
      if (item) found.push(item);
    }
    return found;
  }

  #widget(item) {
    this.#widgets.set(item.id, item);
    const node = widgetItem(item, (action, control) => this.#act(item.id, action, control));
    if (this.#acting.has(item.id)) setBusy(node, true);
    return node;
  }

  /** Runs a widget's action: its controls are disabled until the answer has been applied. */
  async #act(itemId, action, control) {
    const host = this.#host;
    const threadId = host?.threadId();
    const node = this.#nodes.get(itemId);
    // The product's widgets carry server actions only; a client action has no handler here.
    if (!host || !threadId || !node || action.handler === 'client' || this.#acting.has(itemId)) return;
    const generation = this.#generation;
    const current = () => generation === this.#generation;
    const spot = focusSpot(node, control);
    this.#acting.add(itemId);
    setBusy(node, true);
    showError(node, null);
    const params = { thread_id: threadId, item_id: itemId, action: { type: action.type, payload: action.payload ?? {} } };
    let failure = null;
    try {
      if (action.streaming === false) {
        const answer = await host.client().request('threads.sync_custom_action', params);
        if (current() && answer?.updated_item) this.#upsert(answer.updated_item, true);
      } else {
        for await (const event of host.client().stream('threads.custom_action', params)) {
          if (!current()) break;
          if (event.type === 'error') failure = actionError(event);
          else this.apply(event);
        }
      }
    } catch (error) {
      failure = host.failed(error);
    }
    if (!current()) return;
    this.#acting.delete(itemId);
    // A failed action changed nothing: show the widget as it was (a ticked checkbox unticks).
    const last = this.#widgets.get(itemId);
    if (failure && last) this.#upsert(last, true);
    const now = this.#nodes.get(itemId);
    if (!now) return;
    setBusy(now, false);
    if (failure) showError(now, failure);
    const active = document.activeElement;
    if (!active || active === document.body || now.contains(active)) restoreFocus(now, spot);
  }

  #append(node) {
    this.#list.append(node);
    this.#refresh();
  }

  #refresh() {
    this.#emptyHint.hidden = this.#list.childElementCount > 0;
  }

  #atBottom() {
    const list = this.#list;
    return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  }

  #scroll(stick) {
    if (stick) this.#list.scrollTop = this.#list.scrollHeight;
  }
}

/** The <li> for an item, or null for kinds this page does not show. */
function render(item, done) {
  switch (item.type) {
    case 'user_message': {
      const node = message(item, 'user', [userText(item.content)], done);
      node.append(...attachedFiles(item.attachments));
      return node;
    }
    case 'assistant_message':
      return message(item, 'assistant', (item.content ?? []).map((c) => c.text ?? ''), done);
    case 'workflow':
      return workflow(item, done);
    default:
      return null; // end_of_turn, client tool calls, hidden context
  }
}

/** What a failed widget action's error event says, in the page's language where it is known. */
function actionError(event) {
  if (event.code !== 'custom' || !event.message) return t('errorGeneric');
  return /^task not found$/i.test(event.message) ? t('taskGone') : event.message;
}

function userText(content = []) {
  return content.map((c) => c.text ?? '').join(' ');
}

function message(item, role, parts, done) {
  const text = el('div', { class: 'text', dir: 'auto' });
  const node = el('li', {
    class: `message ${role}`,
    'data-testid': 'message',
    'data-role': role,
    'data-item-id': item.id,
    'aria-busy': role === 'assistant' && !done ? 'true' : 'false',
  }, el('span', { class: 'visually-hidden', text: `${t(role === 'user' ? 'you' : 'assistant')}: ` }), text);
  parts.forEach((p, i) => { part(node, i).textContent = p; });
  return node;
}

/** The element of text part `index` of a message, created (with any before it) if missing. */
function part(node, index) {
  const text = node.querySelector('.text');
  while (text.children.length <= index) text.append(el('p', { class: 'part' }));
  return text.children[index];
}

function workflow(item, done) {
  const flow = item.workflow ?? {};
  const title = flow.summary?.title ?? t('tools');
  const node = el('li', {
    class: 'workflow',
    'data-testid': 'tool-progress',
    'data-item-id': item.id,
    'aria-busy': done ? 'false' : 'true',
  }, el('p', { class: 'summary', dir: 'auto', text: title }), el('ul', { class: 'tasks' }));
  (flow.tasks ?? []).forEach((task, i) => setTask(node, i, task));
  return node;
}

function setTask(node, index, task) {
  const status = task.status_indicator ?? 'none';
  const running = status === 'loading';
  const row = el('li', { class: 'task', 'data-testid': 'tool-step', 'data-status': status },
    el('span', { class: 'icon', 'aria-hidden': 'true', text: running ? '⏳' : status === 'complete' ? '✓' : '•' }),
    el('span', { class: 'title', dir: 'auto', text: task.title ?? '' }),
    el('span', { class: 'state', text: ` (${t(running ? 'running' : 'done')})` }));
  if (task.content) row.append(el('span', { class: 'content', dir: 'auto', text: task.content }));
  const tasks = node.querySelector('.tasks');
  const old = tasks.children[index];
  if (old) old.replaceWith(row);
  else tasks.append(row);
  const busy = [...tasks.children].some((r) => r.dataset.status === 'loading');
  node.setAttribute('aria-busy', busy ? 'true' : 'false');
}

function notice(event) {
  const node = el('li', { class: 'notice', 'data-testid': 'notice', 'data-level': event.level ?? 'info', role: 'note' });
  if (event.title) node.append(el('strong', { dir: 'auto', text: event.title }));
  node.append(el('p', { dir: 'auto', text: event.message ?? '' }));
  return node;
}
