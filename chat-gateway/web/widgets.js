// ChatKit widgets on the page: the subset of `chatkit.widgets` the product emits (Card with
// confirm/cancel, ListView, ListViewItem, Row/Col/Box, Text, Title, Caption, Markdown as plain
// text, Badge, Button, Checkbox, Icon, Spacer, Divider), rendered from the item's JSON with DOM
// APIs only (text goes in as text, never as HTML). Buttons and checkboxes report their action to
// the caller (items.js runs it); this module also applies widget updates to an item's JSON and
// keeps keyboard focus in a sensible place when a widget is re-rendered in place.

import { el } from './dom.js';

/** Icons as characters (decorative: hidden from screen readers). */
const ICONS = {
  'check-circle': '✓',
  'check-circle-filled': '✔',
  'empty-circle': '○',
  check: '✓',
  clock: '⏱',
  calendar: '📅',
  trash: '🗑',
  'circle-question': '?',
  info: 'ℹ',
  star: '★',
  'star-filled': '★',
};

/** Right-to-left scripts (Arabic, Hebrew, Syriac, Thaana, N'Ko, and their presentation forms). */
const RTL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/u;
const STRONG = /[\p{L}]/u;

let ids = 0;

/**
 * The `<li>` showing widget `item`. `act(action, control)` is called when a control with an
 * action is used (`action` is the widget's action config).
 */
export function widgetItem(item, act) {
  const unknown = [];
  const ctx = { act, unknown };
  const root = render(item.widget ?? {}, ctx);
  const { dir, lang } = direction(item);
  const node = el('li', {
    class: 'widget',
    'data-testid': 'widget',
    'data-item-id': item.id,
    'data-widget': item.widget?.type ?? '',
    dir,
    lang,
    tabindex: '-1',
  });
  if (root) node.append(root);
  // The rendered widget says what copy_text says; only what could not be rendered (an unknown
  // component) makes the plain text necessary, for screen readers, or for everyone if nothing
  // readable was rendered at all.
  if (item.copy_text && (unknown.length || !node.textContent.trim())) {
    const visible = !node.textContent.trim();
    node.append(el('p', { class: visible ? 'wc-copy' : 'visually-hidden', dir: 'auto', text: item.copy_text }));
  }
  return node;
}

/** `item` with a `thread.item.updated` widget update applied (a new object), or null if not one. */
export function updatedWidget(item, update) {
  switch (update.type) {
    case 'widget.root.updated':
      return { ...item, widget: update.widget };
    case 'widget.component.updated': {
      const widget = structuredClone(item.widget);
      const found = findComponent(widget, update.component_id);
      if (found) Object.assign(found.parent, { [found.key]: update.component });
      return { ...item, widget };
    }
    case 'widget.streaming_text.value_delta': {
      const widget = structuredClone(item.widget);
      const found = findComponent(widget, update.component_id);
      if (found) {
        const part = found.parent[found.key];
        part.value = (part.value ?? '') + (update.delta ?? '');
        part.streaming = !update.done;
      }
      return { ...item, widget };
    }
    default:
      return null;
  }
}

/**
 * Hides the lines of a reply (`node`, a message) that repeat what `items` (widgets of the same
 * turn) show: a line of their copy_text, or a line about a task they have a row for (`#3 …`).
 * The lines stay in the text (hidden), and a reply that was only such lines is hidden whole.
 */
export function foldRepeats(node, items) {
  if (!items.length) return;
  const lines = new Set();
  const numbers = new Set();
  for (const item of items) {
    for (const line of (item.copy_text ?? '').split('\n')) if (line.trim()) lines.add(line.trim());
    rowNumbers(item.widget, numbers);
  }
  const repeated = (line) => lines.has(line.trim()) || numbers.has(/^\W*#(\d+)\s/u.exec(line)?.[1]);
  let shown = 0;
  for (const part of node.querySelectorAll('.part')) {
    const text = part.textContent.split('\n');
    if (!text.some(repeated)) {
      if (part.textContent.trim()) shown += 1;
      continue;
    }
    part.replaceChildren(...text.map((line, i) => {
      const piece = (i ? '\n' : '') + line;
      if (!repeated(line)) {
        if (line.trim()) shown += 1;
        return piece;
      }
      return el('span', { class: 'repeated', hidden: true, text: piece });
    }));
  }
  if (!shown) node.hidden = true;
}

function rowNumbers(node, into) {
  if (!node || typeof node !== 'object') return;
  const number = /^task-(\d+)$/.exec(node.type === 'ListViewItem' ? node.key ?? '' : '')?.[1];
  if (number) into.add(number);
  for (const value of Object.values(node)) rowNumbers(value, into);
}

/** Disables (or re-enables) every control of a widget while its action runs. */
export function setBusy(node, busy) {
  node.setAttribute('aria-busy', busy ? 'true' : 'false');
  for (const control of controls(node)) {
    control.disabled = busy || control.dataset.disabled === 'true';
  }
}

/** Shows `message` in the widget (replacing an earlier one); null clears it. */
export function showError(node, message) {
  node.querySelector(':scope > .wc-error')?.remove();
  if (message) {
    node.append(el('p', { class: 'wc-error', 'data-testid': 'widget-error', role: 'alert', dir: 'auto', text: message }));
  }
}

/** Where `control` is in its widget: its row's key and position, and its position in the row. */
export function focusSpot(node, control) {
  const row = control.closest('[data-key]');
  const rows = [...node.querySelectorAll('[data-key]')];
  const scope = row ?? node;
  return {
    key: row?.dataset.key ?? null,
    rowIndex: row ? rows.indexOf(row) : -1,
    index: Math.max(0, controls(scope).indexOf(control)),
  };
}

/**
 * Puts focus back after `node` was re-rendered: on the control at the same place in the same
 * row; when the row is gone, on the row that took its place (or the one before); else on the
 * widget itself.
 */
export function restoreFocus(node, spot) {
  const rows = [...node.querySelectorAll('[data-key]')];
  let scope = node;
  if (spot.key !== null) {
    scope = rows.find((r) => r.dataset.key === spot.key) ?? rows[spot.rowIndex] ?? rows[spot.rowIndex - 1] ?? node;
  }
  const sameRow = spot.key === null ? scope === node : scope.dataset.key === spot.key;
  const usable = controls(scope).filter((c) => !c.disabled);
  const target = sameRow ? usable[Math.min(spot.index, usable.length - 1)] : usable[0];
  (target ?? node).focus();
}

function controls(scope) {
  return [...scope.querySelectorAll('button, input')];
}

/** `{dir, lang}` of a widget: the language its actions carry, else its text's first strong letter. */
function direction(item) {
  const code = findLang(item.widget);
  if (code) return { dir: code === 'ur' ? 'rtl' : 'ltr', lang: code };
  const text = item.copy_text ?? shownText(item.widget).join(' ');
  const first = [...text].find((c) => STRONG.test(c));
  if (!first) return { dir: 'auto', lang: null };
  return { dir: RTL.test(first) ? 'rtl' : 'ltr', lang: null };
}

/** The texts a widget shows (values, labels, its status line), in order. */
function shownText(node, into = []) {
  if (!node || typeof node !== 'object') return into;
  for (const key of ['value', 'label', 'text']) if (typeof node[key] === 'string') into.push(node[key]);
  for (const value of Object.values(node)) shownText(value, into);
  return into;
}

function findLang(node) {
  if (!node || typeof node !== 'object') return null;
  const lang = node.payload?.lang;
  if (typeof lang === 'string' && /^(en|ur|ur-Latn)$/.test(lang)) return lang;
  for (const value of Object.values(node)) {
    const found = findLang(value);
    if (found) return found;
  }
  return null;
}

function findComponent(node, id, parent = null, key = null) {
  if (!node || typeof node !== 'object') return null;
  if (node.id === id && parent) return { parent, key };
  for (const [k, value] of Object.entries(node)) {
    const found = findComponent(value, id, node, k);
    if (found) return found;
  }
  return null;
}

/** The element for one component, or null (unknown kinds are noted in `ctx.unknown`). */
function render(c, ctx) {
  if (!c || typeof c !== 'object') return null;
  switch (c.type) {
    case 'Card':
      return card(c, ctx);
    case 'ListView':
      return listView(c, ctx);
    case 'ListViewItem':
      return box(el('li', { class: 'wc-row', 'data-key': c.key ?? '' }), { align: 'center', ...c }, ctx, 'row', true);
    case 'Row':
      return box(el('div', { class: 'wc-box' }), c, ctx, 'row');
    case 'Col':
      return box(el('div', { class: 'wc-box' }), c, ctx, 'col');
    case 'Box':
      return box(el('div', { class: 'wc-box' }), c, ctx, c.direction === 'row' ? 'row' : 'col');
    case 'Text':
    case 'Markdown':
      return text('p', 'wc-text', c);
    case 'Title':
      return text('h3', 'wc-title', c);
    case 'Caption':
      return text('span', 'wc-caption', c);
    case 'Badge':
      return el('span', {
        class: 'wc-badge', dir: 'auto', 'data-color': c.color ?? 'secondary', 'data-variant': c.variant ?? 'soft', text: c.label ?? '',
      });
    case 'Button':
      return button(c, ctx);
    case 'Checkbox':
      return checkbox(c, ctx);
    case 'Icon':
      return el('span', { class: 'wc-icon', 'aria-hidden': 'true', 'data-color': c.color, text: ICONS[c.name] ?? '•' });
    case 'Spacer':
      return el('span', { class: 'wc-spacer', 'aria-hidden': 'true' });
    case 'Divider':
      return el('hr', { class: 'wc-divider' });
    default:
      ctx.unknown.push(String(c.type));
      return null;
  }
}

function children(list, ctx) {
  return (Array.isArray(list) ? list : []).map((c) => render(c, ctx)).filter(Boolean);
}

function card(c, ctx) {
  const node = el('section', { class: 'wc-card', 'data-size': c.size ?? 'md' },
    el('div', { class: 'wc-stack' }, ...children(c.children, ctx)));
  const footer = [['confirm', 'primary'], ['cancel', 'secondary']]
    .filter(([key]) => c[key]?.action)
    .map(([key, style]) => button({
      label: c[key].label, onClickAction: c[key].action, color: style, variant: key === 'confirm' ? 'solid' : 'outline',
    }, ctx, key));
  if (footer.length) node.append(el('div', { class: 'wc-footer' }, ...footer));
  return node;
}

function listView(c, ctx) {
  const node = el('div', { class: 'wc-list' });
  if (c.status?.text) {
    const icon = ICONS[c.status.icon];
    node.append(el('p', { class: 'wc-status', dir: 'auto' },
      ...(icon ? [el('span', { class: 'wc-icon', 'aria-hidden': 'true', text: `${icon} ` })] : []),
      c.status.text));
  }
  const rows = (Array.isArray(c.children) ? c.children : []).map((row) => render(row, ctx)).filter(Boolean);
  // A row that is not a ListViewItem still sits in a list item.
  node.append(el('ul', { class: 'wc-rows', role: 'list' },
    ...rows.map((r) => (r.tagName === 'LI' ? r : el('li', { class: 'wc-row' }, r)))));
  return node;
}

/** Lays out `c.children` in `node` as a flex row or column; a row item describes its controls. */
function box(node, c, ctx, direction, describe = false) {
  node.classList.add(direction === 'row' ? 'wc-flex-row' : 'wc-flex-col');
  const style = node.style; // CSSOM, allowed by the page's style-src 'self'
  if (c.gap !== undefined) style.gap = size(c.gap);
  if (c.padding !== undefined && typeof c.padding !== 'object') style.padding = size(c.padding);
  if (c.flex !== undefined) style.flex = String(c.flex);
  if (c.wrap) style.flexWrap = c.wrap;
  if (c.align) style.alignItems = FLEX[c.align] ?? 'stretch';
  if (c.justify) style.justifyContent = FLEX[c.justify] ?? c.justify;
  node.append(...children(c.children, ctx));
  if (describe) {
    // "Complete" alone is ambiguous in a list: each control is described by its row's first text.
    const label = node.querySelector('.wc-text, .wc-title');
    if (label) {
      label.id ||= `wc-${++ids}`;
      for (const control of controls(node)) {
        const named = control.type === 'checkbox' ? control.closest('label').textContent.trim() : true;
        control.setAttribute(named ? 'aria-describedby' : 'aria-labelledby', label.id);
      }
    }
  }
  return node;
}

const FLEX = { start: 'flex-start', end: 'flex-end', center: 'center', stretch: 'stretch', baseline: 'baseline',
  between: 'space-between', around: 'space-around', evenly: 'space-evenly' };

/** A spacing value: numbers are ChatKit's 4px units, strings are CSS lengths. */
function size(value) {
  return typeof value === 'number' ? `${value * 0.25}rem` : String(value);
}

function text(tag, cls, c) {
  const node = el(tag, {
    class: cls,
    dir: 'auto',
    'data-color': c.color,
    'data-weight': c.weight,
    'data-size': c.size,
    text: c.value ?? '',
  });
  if (c.lineThrough) node.classList.add('wc-done');
  if (c.italic) node.classList.add('wc-italic');
  if (c.textAlign) node.dataset.align = c.textAlign;
  return node;
}

function button(c, ctx, role = null) {
  const action = c.onClickAction;
  const node = el('button', {
    type: 'button',
    class: 'wc-button',
    'data-color': c.color ?? 'secondary',
    'data-variant': c.variant ?? 'solid',
    'data-action': action?.type,
    'data-testid': role ? `widget-${role}` : null,
    'data-disabled': c.disabled || !action ? 'true' : null,
    dir: 'auto',
  });
  node.disabled = Boolean(c.disabled) || !action;
  if (c.iconStart) node.append(el('span', { class: 'wc-icon', 'aria-hidden': 'true', text: ICONS[c.iconStart] ?? '•' }));
  node.append(el('span', { text: c.label ?? '' }));
  if (c.iconEnd) node.append(el('span', { class: 'wc-icon', 'aria-hidden': 'true', text: ICONS[c.iconEnd] ?? '•' }));
  if (action) node.addEventListener('click', () => ctx.act(action, node));
  return node;
}

function checkbox(c, ctx) {
  const action = c.onChangeAction;
  const input = el('input', {
    type: 'checkbox',
    name: c.name,
    'data-action': action?.type,
    'data-disabled': c.disabled ? 'true' : null,
  });
  input.checked = Boolean(c.defaultChecked);
  input.disabled = Boolean(c.disabled);
  if (action) input.addEventListener('change', () => ctx.act(action, input));
  return el('label', { class: 'wc-checkbox', dir: 'auto' }, input, el('span', { text: c.label ?? '' }));
}
