// Small DOM helpers: every text goes in through textContent, never as HTML.

/** An element: h('button', {id: 'x', onclick: f}, 'text', child…). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) {
      continue;
    }
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else if (k === 'class') {
      el.className = v;
    } else if (k === 'dataset') {
      Object.assign(el.dataset, v);
    } else if (k === 'value') {
      el.value = v;
    } else if (v === true) {
      el.setAttribute(k, '');
    } else {
      el.setAttribute(k, v);
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) {
      continue;
    }
    if (Array.isArray(c)) {
      append(el, c);
    } else {
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
  }
}

/**
 * A table: `columns` are [heading, row => cell] pairs; a cell is text or a Node. `id` names the
 * table (its rows: `#id tbody tr`).
 */
export function table(id, columns, rows, empty = 'Nothing here.') {
  const body = h('tbody', {}, rows.map((r) => h('tr', {}, columns.map(([, cell]) => h('td', {}, cell(r))))));
  return h('div', {},
    h('table', { id }, h('thead', {}, h('tr', {}, columns.map(([name]) => h('th', {}, name)))), body),
    rows.length === 0 ? h('p', { class: 'empty' }, empty) : null);
}

/** A two-column table of [name, value] pairs. */
export function kv(id, pairs) {
  return h('table', { id, class: 'kv' }, h('tbody', {},
    pairs.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v ?? '—')))));
}

/** Shows `text` (and a list of field errors) in #message; `kind`: 'error' | 'ok' | ''. */
export function say(text, kind = '', errors = []) {
  const m = document.getElementById('message');
  m.replaceChildren(h('span', {}, text));
  if (errors && errors.length) {
    m.append(h('ul', {}, errors.map((e) =>
      h('li', {}, [e.row != null ? `row ${e.row}` : null, e.field, e.message].filter(Boolean).join(': ')))));
  }
  m.className = kind;
  m.hidden = false;
}

export function clearMessage() {
  const m = document.getElementById('message');
  m.replaceChildren();
  m.className = '';
  m.hidden = true;
}

/** Shows an API failure: the problem's detail (e.g. "… is under legal hold …"). */
export function sayError(e) {
  const p = e && e.problem;
  say(p ? (p.detail || p.title) : (e && e.message) || String(e), 'error', p && p.errors);
}

/** A time for people: local date and time to the second. */
export function when(iso) {
  if (!iso) {
    return '—';
  }
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { hour12: false });
}

/** Seconds as m:ss (or h:mm:ss). */
export function duration(s) {
  if (s == null) {
    return '—';
  }
  const t = Math.round(Number(s));
  const hh = Math.floor(t / 3600);
  const mm = Math.floor((t % 3600) / 60);
  const ss = String(t % 60).padStart(2, '0');
  return hh ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** A datetime-local input's value as an instant (ISO 8601, UTC), or '' when empty. */
export function instant(localValue) {
  if (!localValue) {
    return '';
  }
  const d = new Date(localValue);
  return Number.isNaN(d.getTime()) ? localValue : d.toISOString();
}

/** An instant as a datetime-local input's value (local time), or ''. */
export function localInput(iso) {
  if (!iso) {
    return '';
  }
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) {
    return '';
  }
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
