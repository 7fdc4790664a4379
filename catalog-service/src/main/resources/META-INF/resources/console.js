// callrec console: hash routes over the catalog API. No framework, no build step, nothing from
// another origin. The key lives in sessionStorage only (this tab, until it is closed or signed out).

import { api, key, setKey, forgetKey, query, saveAs, whenUnauthorized } from './api.js';
import { h, table, say, sayError, clearMessage, when, duration, instant, localInput } from './dom.js';
import { recordingPage } from './recording.js';

const SCOPES = ['recordings:read', 'audio:listen', 'audio:download', 'recordings:delete', 'holds:manage', 'tenant:admin'];
const ACTIONS = ['recording.listen', 'recording.download', 'recording.delete', 'recording.expire', 'recording.hold',
  'recording.release', 'tenant.create', 'tenant.update', 'tenant.delete', 'device.put', 'device.delete',
  'device.import', 'key.create', 'key.revoke', 'webhook.create', 'webhook.update', 'webhook.delete'];
const EVENTS = ['recording.completed', 'recording.deleted'];

let me = null;
let leaving = [];

const view = () => document.getElementById('view');
const can = (scope) => !!me && (me.operator || me.scopes.includes(scope));
const admin = () => !!me && (me.operator || me.scopes.includes('tenant:admin'));

/** The pages of the nav, each shown when the key may use it. */
const PAGES = [
  ['recordings', 'Recordings', () => can('recordings:read')],
  ['devices', 'Devices', admin],
  ['keys', 'Keys', admin],
  ['webhooks', 'Webhooks', admin],
  ['audit', 'Audit', admin],
  ['tenants', 'Tenants', () => !!me && me.operator],
];

/** The current route: ['recording', id] and the query parameters. */
function route() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, q = ''] = raw.split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(q) };
}

function go(path, params = {}) {
  const target = `#/${path}${query(params)}`;
  if (location.hash === target) {
    render();
  } else {
    location.hash = target;
  }
}

function renderNav(current) {
  const nav = document.getElementById('nav');
  nav.replaceChildren(...PAGES.filter(([, , allowed]) => allowed()).map(([path, label]) =>
    h('a', { href: `#/${path}`, id: `nav-${path}`, class: current === path ? 'current' : '' }, label)));
  document.getElementById('whoami').textContent = !me ? ''
    : me.operator ? 'operator' : `tenant ${me.tenant} · ${me.scopes.join(', ')}`;
  document.getElementById('signout').hidden = !me;
}

function signOut(message) {
  forgetKey();
  me = null;
  go('signin');
  if (message) {
    say(message, 'error');
  }
}

async function whoAmI() {
  if (!me && key()) {
    me = await api('GET', '/api/v1/me');
  }
  return me;
}

function firstPage() {
  const p = PAGES.find(([, , allowed]) => allowed());
  return p ? p[0] : 'signin';
}

/** Submitting the filter `form` goes to `page` with its fields as the query (times as instants). */
function submitsTo(form, page) {
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = {};
    for (const el of form.querySelectorAll('input, select')) {
      p[el.id] = el.type === 'datetime-local' ? instant(el.value) : el.value.trim();
    }
    go(page, p);
  });
}

// ## Sign in

function signInPage() {
  const input = h('input', { id: 'key', type: 'password', autocomplete: 'off', placeholder: 'crk_… or the operator key', required: true });
  const form = h('form', { class: 'panel signin', id: 'signin-form' },
    h('h1', {}, 'Sign in'),
    h('p', { class: 'muted' }, 'Paste an API key (or, where the catalog accepts OIDC, an access token). It is kept in this tab only (sessionStorage) until you sign out or close it.'),
    h('label', {}, 'API key', input),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'signin' }, 'Sign in')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    setKey(input.value.trim());
    me = null;
    try {
      await whoAmI();
      clearMessage();
      go(firstPage());
    } catch (e) {
      forgetKey();
      me = null;
      sayError(e);
    }
  });
  view().replaceChildren(form);
  input.focus();
}

// ## Recordings

function searchPage(params) {
  const field = (id, label, attrs = {}) => h('label', {}, label, h('input', { id, name: id, value: params.get(id) || '', ...attrs }));
  const select = (id, label, options) => h('label', {}, label, h('select', { id, name: id },
    options.map(([v, text]) => h('option', { value: v, selected: (params.get(id) || '') === v }, text))));
  const form = h('form', { class: 'panel filters', id: 'search-form' },
    me.operator ? field('tenant', 'Tenant', { placeholder: 'all tenants' }) : null,
    h('label', {}, 'From', h('input', { id: 'from', type: 'datetime-local', step: '1', value: localInput(params.get('from')) })),
    h('label', {}, 'To', h('input', { id: 'to', type: 'datetime-local', step: '1', value: localInput(params.get('to')) })),
    field('number', 'Number', { placeholder: 'local or remote, exact' }),
    field('device', 'Device', { placeholder: 'MAC' }),
    select('direction', 'Direction', [['', 'any'], ['in', 'in'], ['out', 'out']]),
    field('minDuration', 'Min. seconds', { type: 'number', min: '0', step: 'any' }),
    field('stopReason', 'Stop reason'),
    select('intact', 'Intact', [['', 'any'], ['true', 'intact'], ['false', 'damaged']]),
    h('button', { type: 'submit', id: 'search' }, 'Search'));
  submitsTo(form, 'recordings');
  const results = h('div', { id: 'results-area' }, h('p', { class: 'muted' }, 'Searching…'));
  view().replaceChildren(h('h1', {}, 'Recordings'), form, results);

  const filters = Object.fromEntries(params.entries());
  api('GET', `/api/v1/recordings${query(filters)}`).then((page) => {
    const columns = [
      ['Started', (r) => h('a', { href: `#/recording/${encodeURIComponent(r.id)}`, class: 'open' }, when(r.startedAt))],
      ...(me.operator ? [['Tenant', (r) => r.tenant]] : []),
      ['Dir.', (r) => r.direction],
      ['Local', (r) => r.localNumber],
      ['Remote', (r) => r.remoteNumber],
      ['Device', (r) => r.device],
      ['Duration', (r) => duration(r.durationSeconds)],
      ['Stop reason', (r) => r.stopReason],
      ['Quality', (r) => (r.intact ? 'intact' : h('span', { class: 'badge bad' }, 'damaged'))],
      ['Hold', (r) => (r.held ? h('span', { class: 'badge held' }, 'held') : '')],
    ];
    const next = page.next
      ? h('button', { type: 'button', id: 'next', class: 'secondary', onclick: () => go('recordings', { ...filters, cursor: page.next }) }, 'Next page')
      : null;
    results.replaceChildren(table('results', columns, page.items, 'No recordings match.'),
      h('div', { class: 'actions' }, filters.cursor ? h('button', { type: 'button', class: 'secondary', onclick: () => history.back() }, 'Previous page') : null, next));
    // the console's load-time figure: from navigation start to the first rendered results
    if (!performance.getEntriesByName('results-rendered').length) {
      performance.mark('results-rendered');
    }
  }).catch((e) => {
    results.replaceChildren();
    sayError(e);
  });
}

// ## Tenant admin pages (a tenant key: its own tenant; the operator names one)

/** The tenant the page is about, and for the operator a field to pick it. */
function tenantPicker(page, params) {
  if (!me.operator) {
    return { tenant: me.tenant, picker: null };
  }
  const tenant = params.get('tenant') || '';
  const input = h('input', { id: 'page-tenant', value: tenant, placeholder: 'tenant id', required: true });
  const picker = h('form', { class: 'panel filters' }, h('label', {}, 'Tenant', input),
    h('button', { type: 'submit', class: 'secondary' }, 'Show'));
  picker.addEventListener('submit', (ev) => {
    ev.preventDefault();
    go(page, { tenant: input.value.trim() });
  });
  return { tenant, picker };
}

/** A tenant page's heading and (operator) picker; `area` is where the page goes, once a tenant is known. */
function tenantPage(page, title, params) {
  const { tenant, picker } = tenantPicker(page, params);
  const area = h('div', {});
  view().replaceChildren(h('h1', {}, tenant ? `${title} of ${tenant}` : title), picker, area);
  return { tenant, area };
}

const tpath = (t) => `/api/v1/tenants/${encodeURIComponent(t)}`;

function devicesPage(params) {
  const { tenant, area } = tenantPage('devices', 'Devices', params);
  if (!tenant) {
    return;
  }
  const csv = h('textarea', { id: 'csv', rows: '6', placeholder: 'mac,label,enabled\n0c:38:3e:00:00:01,Reception,true' });
  const file = h('input', { id: 'csv-file', type: 'file', accept: '.csv,text/csv' });
  file.addEventListener('change', async () => {
    if (file.files.length) {
      csv.value = await file.files[0].text();
    }
  });
  const importForm = h('form', { class: 'panel', id: 'import-form' },
    h('h2', {}, 'Bulk import (CSV)'),
    h('p', { class: 'muted' }, 'Header mac,label,enabled. Every row is checked first: one bad row and nothing is imported.'),
    h('div', { class: 'actions' }, file), csv,
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'import' }, 'Import')));
  importForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await api('POST', `${tpath(tenant)}/devices`, { body: csv.value, type: 'text/csv' });
      say(`Imported ${r.imported} devices: ${r.created} new, ${r.updated} updated.`, 'ok');
      loadList(params.get('cursor'));
    } catch (e) {
      sayError(e);
    }
  });
  const list = h('div', {});
  area.replaceChildren(list, importForm);
  async function loadList(cursor) {
    try {
      const page = await api('GET', `${tpath(tenant)}/devices${query({ cursor })}`);
      list.replaceChildren(table('devices', [
        ['MAC', (d) => d.mac], ['Label', (d) => d.label], ['Enabled', (d) => (d.enabled ? 'yes' : 'no')],
        ['', (d) => h('button', { type: 'button', class: 'secondary', onclick: async () => {
          try {
            await api('DELETE', `${tpath(tenant)}/devices/${encodeURIComponent(d.mac)}`);
            say(`Device ${d.mac} removed.`, 'ok');
            loadList(cursor);
          } catch (e) {
            sayError(e);
          }
        } }, 'Remove')],
      ], page.items, 'No devices yet.'),
      page.next ? h('div', { class: 'actions' }, h('button', { type: 'button', id: 'next', class: 'secondary', onclick: () => loadList(page.next) }, 'Next page')) : null);
    } catch (e) {
      sayError(e);
    }
  }
  loadList(params.get('cursor'));
}

function keysPage(params) {
  const { tenant, area } = tenantPage('keys', 'API keys', params);
  if (!tenant) {
    return;
  }
  const list = h('div', {});
  const shown = h('div', { id: 'new-key-area' });
  const form = h('form', { class: 'panel', id: 'key-form' }, h('h2', {}, 'New key'),
    h('div', { class: 'filters' }, SCOPES.map((s) =>
      h('label', { class: 'inline' }, h('input', { type: 'checkbox', name: 'scope', value: s }), ` ${s}`))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'create-key' }, 'Create key')), shown);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const scopes = [...form.querySelectorAll('input[name=scope]:checked')].map((c) => c.value);
    try {
      const k = await api('POST', `${tpath(tenant)}/keys`, { body: { scopes } });
      shown.replaceChildren(h('p', {}, `Key ${k.id} (${k.scopes.join(', ')}). Copy it now: it is not shown again.`),
        h('div', { class: 'secret', id: 'new-key' }, k.key));
      clearMessage();
      load();
    } catch (e) {
      sayError(e);
    }
  });
  area.replaceChildren(list, form);
  async function load() {
    try {
      const keys = await api('GET', `${tpath(tenant)}/keys`);
      list.replaceChildren(table('keys', [
        ['Id', (k) => k.id], ['Scopes', (k) => k.scopes.join(', ')], ['Created', (k) => when(k.createdAt)],
        ['', (k) => h('button', { type: 'button', class: 'danger revoke', dataset: { id: k.id }, onclick: async () => {
          try {
            await api('DELETE', `${tpath(tenant)}/keys/${encodeURIComponent(k.id)}`);
            say(`Key ${k.id} revoked.`, 'ok');
            load();
          } catch (e) {
            sayError(e);
          }
        } }, 'Revoke')],
      ], keys, 'No keys.'));
    } catch (e) {
      sayError(e);
    }
  }
  load();
}

function webhooksPage(params) {
  const { tenant, area } = tenantPage('webhooks', 'Webhooks', params);
  if (!tenant) {
    return;
  }
  const base = `${tpath(tenant)}/webhooks`;
  const list = h('div', {});
  const deliveries = h('div', { id: 'deliveries-area' });
  const shown = h('div', {});
  const url = h('input', { id: 'webhook-url', type: 'url', placeholder: 'https://example.com/hooks/callrec', required: true, size: '50' });
  const form = h('form', { class: 'panel', id: 'webhook-form' }, h('h2', {}, 'New webhook'),
    h('div', { class: 'filters' }, h('label', {}, 'URL', url),
      EVENTS.map((e) => h('label', { class: 'inline' }, h('input', { type: 'checkbox', name: 'event', value: e, checked: true }), ` ${e}`))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'create-webhook' }, 'Create webhook')), shown);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const events = [...form.querySelectorAll('input[name=event]:checked')].map((c) => c.value);
    try {
      const w = await api('POST', base, { body: { url: url.value.trim(), events, enabled: true } });
      shown.replaceChildren(h('p', {}, `Webhook ${w.id}: its signing secret, shown only now:`),
        h('div', { class: 'secret', id: 'webhook-secret' }, w.secret));
      clearMessage();
      load();
    } catch (e) {
      sayError(e);
    }
  });
  area.replaceChildren(list, deliveries, form);
  async function showDeliveries(w, cursor) {
    try {
      const page = await api('GET', `${base}/${encodeURIComponent(w.id)}/deliveries${query({ cursor })}`);
      deliveries.replaceChildren(h('h2', {}, `Deliveries of ${w.id}`), table('deliveries', [
        ['Event', (d) => `${d.eventType} ${d.eventId}`], ['State', (d) => d.state], ['Attempts', (d) => d.attempts],
        ['Last status', (d) => d.lastStatus ?? '—'], ['Last error', (d) => d.lastError ?? ''],
        ['Created', (d) => when(d.createdAt)], ['Delivered', (d) => when(d.deliveredAt)],
        ['Next attempt', (d) => when(d.nextAttemptAt)],
      ], page.items, 'No deliveries yet.'),
      page.next ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => showDeliveries(w, page.next) }, 'Next page')) : null);
    } catch (e) {
      sayError(e);
    }
  }
  async function load() {
    try {
      const hooks = await api('GET', base);
      const items = Array.isArray(hooks) ? hooks : hooks.items || [];
      list.replaceChildren(table('webhooks', [
        ['Id', (w) => w.id], ['URL', (w) => w.url], ['Events', (w) => (w.events || []).join(', ')],
        ['Enabled', (w) => (w.enabled ? 'yes' : 'no')],
        ['', (w) => h('span', {},
          h('button', { type: 'button', class: 'secondary deliveries', onclick: () => showDeliveries(w) }, 'Deliveries'), ' ',
          h('button', { type: 'button', class: 'danger', onclick: async () => {
            try {
              await api('DELETE', `${base}/${encodeURIComponent(w.id)}`);
              say(`Webhook ${w.id} deleted.`, 'ok');
              deliveries.replaceChildren();
              load();
            } catch (e) {
              sayError(e);
            }
          } }, 'Delete'))],
      ], items, 'No webhooks.'));
    } catch (e) {
      sayError(e);
    }
  }
  load();
}

function auditPage(params) {
  const filters = Object.fromEntries(params.entries());
  const form = h('form', { class: 'panel filters', id: 'audit-form' },
    me.operator ? h('label', {}, 'Tenant', h('input', { id: 'tenant', value: filters.tenant || '', placeholder: 'all tenants' })) : null,
    h('label', {}, 'From', h('input', { id: 'from', type: 'datetime-local', step: '1', value: localInput(filters.from) })),
    h('label', {}, 'To', h('input', { id: 'to', type: 'datetime-local', step: '1', value: localInput(filters.to) })),
    h('label', {}, 'Action', h('select', { id: 'action' }, h('option', { value: '' }, 'any'),
      ACTIONS.map((a) => h('option', { value: a, selected: filters.action === a }, a)))),
    h('button', { type: 'submit', id: 'audit-search' }, 'Show'));
  submitsTo(form, 'audit');
  const { cursor, ...whole } = filters;
  const exports = h('div', { class: 'actions' }, 'Export these entries: ',
    h('button', { type: 'button', id: 'export-csv', class: 'secondary', onclick: () => saveAs(`/api/v1/audit/export${query({ ...whole, format: 'csv' })}`, 'audit.csv').catch(sayError) }, 'CSV'),
    h('button', { type: 'button', id: 'export-ndjson', class: 'secondary', onclick: () => saveAs(`/api/v1/audit/export${query({ ...whole, format: 'ndjson' })}`, 'audit.ndjson').catch(sayError) }, 'NDJSON'));
  const results = h('div', {});
  view().replaceChildren(h('h1', {}, 'Audit trail'), form, exports, results);
  api('GET', `/api/v1/audit${query(filters)}`).then((page) => {
    results.replaceChildren(table('audit', [
      ['#', (e) => e.seq], ['At', (e) => when(e.at)], ...(me.operator ? [['Tenant', (e) => e.tenant ?? '—']] : []),
      ['Actor', (e) => e.actor], ['Action', (e) => e.action],
      ['Target', (e) => (e.action.startsWith('recording.') && e.action !== 'recording.delete' && e.action !== 'recording.expire'
        ? h('a', { href: `#/recording/${encodeURIComponent(e.target)}` }, e.target) : e.target)],
      ['Detail', (e) => (e.detail == null ? '' : JSON.stringify(e.detail))],
    ], page.items, 'No entries.'),
    page.next ? h('div', { class: 'actions' }, h('button', { type: 'button', id: 'next', class: 'secondary', onclick: () => go('audit', { ...filters, cursor: page.next }) }, 'Next page')) : null);
  }).catch(sayError);
}

// ## Operator pages

function tenantsPage(params) {
  const results = h('div', {});
  const reindex = h('div', { id: 'reindex' });
  view().replaceChildren(h('h1', {}, 'Tenants'), results, h('h2', {}, 'Index'), reindex);
  api('GET', `/api/v1/tenants${query({ cursor: params.get('cursor') })}`).then((page) => {
    results.replaceChildren(table('tenants', [
      ['Id', (t) => t.id], ['Name', (t) => t.name], ['Status', (t) => t.status],
      ['Retention', (t) => (t.retentionDays == null ? '—' : `${t.retentionDays} days`)],
      ['Limits', (t) => (t.limits ? Object.entries(t.limits).filter(([, v]) => v != null).map(([k, v]) => `${k} ${v}`).join(', ') : '')],
      ['', (t) => h('a', { href: `#/usage/${encodeURIComponent(t.id)}`, class: 'usage' }, 'Usage')],
    ], page.items, 'No tenants.'),
    page.next ? h('div', { class: 'actions' }, h('button', { type: 'button', id: 'next', class: 'secondary', onclick: () => go('tenants', { cursor: page.next }) }, 'Next page')) : null);
  }).catch(sayError);
  const showRun = (r) => reindex.replaceChildren(h('p', {},
    r ? `Last reindex ${r.id}: ${r.state}, started ${when(r.startedAt)}${r.finishedAt ? `, finished ${when(r.finishedAt)}` : ''}; `
      + `${r.scanned} scanned, ${r.indexed} indexed, ${r.skipped} skipped${r.error ? `; error: ${r.error}` : ''}.` : 'No reindex has run.'),
  h('button', { type: 'button', id: 'reindex-start', class: 'secondary', onclick: async () => {
    try {
      showRun(await api('POST', '/api/v1/reindex'));
      say('Reindex started: the index is rebuilt from the bucket.', 'ok');
    } catch (e) {
      sayError(e);
    }
  } }, 'Rebuild the index from the bucket'));
  api('GET', '/api/v1/reindex').then(showRun).catch((e) => (e.status === 404 ? showRun(null) : sayError(e)));
}

function usagePage(tenant, params) {
  const from = params.get('from') || '';
  const to = params.get('to') || '';
  const form = h('form', { class: 'panel filters' },
    h('label', {}, 'From (day)', h('input', { id: 'from', type: 'date', value: from })),
    h('label', {}, 'To (day)', h('input', { id: 'to', type: 'date', value: to })),
    h('button', { type: 'submit', class: 'secondary' }, 'Show'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    go(`usage/${encodeURIComponent(tenant)}`, { from: form.querySelector('#from').value, to: form.querySelector('#to').value });
  });
  const results = h('div', {});
  view().replaceChildren(h('h1', {}, `Usage of ${tenant}`), form, results);
  api('GET', `${tpath(tenant)}/usage${query({ from, to })}`).then((u) => {
    results.replaceChildren(h('p', { id: 'active-now' }, `Recording now: ${u.activeNow}`), table('usage', [
      ['Day', (d) => d.day], ['Recordings', (d) => d.recordings], ['Bytes', (d) => d.bytes],
      ['Audio', (d) => duration(d.audioSeconds)],
    ], u.days, 'No recordings in this period.'));
  }).catch(sayError);
}

// ## Router

async function render() {
  for (const f of leaving) {
    try {
      f();
    } catch {
      // a page's clean-up failing must not stop the next page
    }
  }
  leaving = [];
  const { parts, params } = route();
  const page = parts[0] || '';
  if (!key()) {
    renderNav(null);
    if (page !== 'signin') {
      go('signin');
      return;
    }
    signInPage();
    return;
  }
  try {
    await whoAmI();
  } catch (e) {
    if (e.status !== 401) {
      sayError(e);
    }
    return;
  }
  renderNav(page === 'recording' ? 'recordings' : page === 'usage' ? 'tenants' : page);
  if (page === '' || page === 'signin') {
    go(firstPage());
    return;
  }
  const pages = {
    recordings: () => searchPage(params),
    recording: () => recordingPage(view(), parts[1], { can, onLeave: (f) => leaving.push(f) }),
    devices: () => devicesPage(params),
    keys: () => keysPage(params),
    webhooks: () => webhooksPage(params),
    audit: () => auditPage(params),
    tenants: () => tenantsPage(params),
    usage: () => usagePage(parts[1], params),
  };
  const show = pages[page];
  if (!show) {
    view().replaceChildren(h('h1', {}, 'Not found'), h('p', {}, h('a', { href: `#/${firstPage()}` }, 'Go to the start page')));
    return;
  }
  show();
}

let lastPage = null;
window.addEventListener('hashchange', () => {
  const page = route().parts[0] || '';
  // a message belongs to the page it was said on
  if (page !== lastPage) {
    clearMessage();
  }
  lastPage = page;
  render();
});
whenUnauthorized(() => signOut('The key was refused (revoked, or not valid): sign in again.'));
document.getElementById('signout').addEventListener('click', () => {
  signOut();
  clearMessage();
});
lastPage = route().parts[0] || '';
render();
