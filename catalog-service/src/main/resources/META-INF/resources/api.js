// The catalog API as the console calls it: the key from sessionStorage as a Bearer header on
// every request; a problem+json answer becomes an ApiError carrying the problem.

const KEY = 'callrec.key';

export function key() {
  return sessionStorage.getItem(KEY);
}

export function setKey(value) {
  sessionStorage.setItem(KEY, value);
}

export function forgetKey() {
  sessionStorage.removeItem(KEY);
}

/** An answer that is not 2xx; `problem` is the RFC 9457 body when there is one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** Called with every 401, so that the console can ask for a key again. */
let onUnauthorized = () => {};
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

/** A query string of the non-empty entries of `params` ("" when there are none). */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') {
      q.set(k, v);
    }
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * Calls the API. `body`: an object (sent as JSON) or a string with `type`. Returns the parsed
 * JSON, `null` for an empty answer, or the Response itself with `raw: true`.
 */
export async function api(method, path, { body, type, raw = false, headers = {} } = {}) {
  const h = { ...headers, Authorization: `Bearer ${key() || ''}` };
  let payload;
  if (body !== undefined) {
    if (typeof body === 'string') {
      payload = body;
      h['Content-Type'] = type || 'text/plain';
    } else {
      payload = JSON.stringify(body);
      h['Content-Type'] = 'application/json';
    }
  }
  const res = await fetch(path, { method, headers: h, body: payload, cache: 'no-store' });
  if (!res.ok) {
    let problem = null;
    try {
      problem = await res.json();
    } catch {
      // not JSON: the status says it
    }
    if (res.status === 401) {
      onUnauthorized(problem);
    }
    throw new ApiError(res.status, problem);
  }
  if (raw) {
    return res;
  }
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

/** Fetches `path` with the key and saves the answer as a file named `name` (export links). */
export async function saveAs(path, name) {
  const res = await api('GET', path, { raw: true });
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
