// The recording page: metadata and quality, waveform, player (the WAV fetched with the key into a
// blob: URL, so that seeking works), download, legal hold and delete.

import { api, ApiError } from './api.js';
import { h, kv, say, sayError, when, duration } from './dom.js';
import { pcm16Wav } from './wav.js';

function show(v) {
  if (v === undefined || v === null || v === '') {
    return '—';
  }
  if (Array.isArray(v)) {
    return v.length ? v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ') : 'none';
  }
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function metadataTable(doc) {
  const phone = doc.phone || {};
  const audio = doc.audio || {};
  return kv('meta', [
    ['Recording', doc.recordingId],
    ['Tenant', doc.tenant],
    ['Direction', doc.direction],
    ['Local', [doc.localNumber, doc.localName].filter(Boolean).join(' · ')],
    ['Remote', [doc.remoteNumber, doc.remoteName].filter(Boolean).join(' · ')],
    ['Device', phone.device],
    ['Phone address', phone.address],
    ['Codec', doc.codec],
    ['Started', when(doc.startedAt)],
    ['Ended', when(doc.endedAt)],
    ['Duration', `${duration(doc.durationSeconds)} (${show(doc.durationSeconds)} s)`],
    ['Stop reason', doc.stopReason],
    ['Source', doc.source],
    ['Audio', `${show(audio.format)}, ${show(audio.sampleRate)} Hz, ${show(audio.bytes)} bytes`],
    ['Segments', Array.isArray(audio.segments) ? String(audio.segments.length) : '1'],
  ]);
}

function qualityTable(q) {
  if (!q) {
    return h('p', { class: 'empty' }, 'No quality report.');
  }
  const pairs = [['Intact', q.intact ? 'yes' : 'no'], ['Problems', show(q.problems)]];
  for (const [k, v] of Object.entries(q)) {
    if (k !== 'intact' && k !== 'problems') {
      pairs.push([k, show(v)]);
    }
  }
  return kv('quality', pairs);
}

/** Draws the peaks (0..1) on the canvas, the part before `progress` (0..1) in the played colour. */
function draw(canvas, peaks, progress) {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
  const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const g = canvas.getContext('2d');
  const css = getComputedStyle(document.documentElement);
  g.clearRect(0, 0, width, height);
  const n = peaks.length;
  if (n === 0) {
    return;
  }
  const mid = height / 2;
  const step = width / n;
  for (let i = 0; i < n; i++) {
    const x = i * step;
    const half = Math.max(1, peaks[i] * (height / 2 - 2));
    g.fillStyle = (i + 0.5) / n <= progress ? css.getPropertyValue('--wave-played') : css.getPropertyValue('--wave');
    g.fillRect(x, mid - half, Math.max(1, step - (step > 3 ? 1 : 0)), half * 2);
  }
}

/**
 * Renders the page into `view`. `can(scope)` tells what the key may do; `onLeave(f)` registers
 * what to undo when the page is left (the blob: URL, the player).
 */
export async function recordingPage(view, id, { can, onLeave }) {
  const base = `/api/v1/recordings/${encodeURIComponent(id)}`;
  view.replaceChildren(h('h1', {}, 'Recording'), h('p', { class: 'muted' }, 'Loading…'));
  let res;
  try {
    res = await api('GET', base, { raw: true });
  } catch (e) {
    view.replaceChildren(h('h1', {}, 'Recording'), h('p', { class: 'empty' }, 'Not found.'));
    sayError(e);
    return;
  }
  const doc = await res.json();
  let held = res.headers.get('Callrec-Held') === 'true';

  const heldBadge = h('span', { id: 'held-state', class: 'badge' });
  const holdReason = h('input', { id: 'hold-reason', placeholder: 'reason (optional)', maxlength: '500' });
  const holdButton = h('button', { type: 'button', id: 'hold', class: 'secondary' }, 'Hold');
  const releaseButton = h('button', { type: 'button', id: 'release', class: 'secondary' }, 'Release');
  const deleteButton = h('button', { type: 'button', id: 'delete', class: 'danger' }, 'Delete');
  const confirmBar = h('span', { id: 'delete-confirmation', hidden: true },
    'Delete every object of this recording? ',
    h('button', { type: 'button', id: 'delete-confirm', class: 'danger' }, 'Delete for good'), ' ',
    h('button', { type: 'button', id: 'delete-cancel', class: 'secondary' }, 'Cancel'));
  const downloadButton = h('button', { type: 'button', id: 'download' }, 'Download');

  function showHold(state) {
    held = state.held;
    heldBadge.textContent = held
      ? `under legal hold${state.heldBy ? ` by ${state.heldBy}` : ''}${state.heldAt ? ` since ${when(state.heldAt)}` : ''}${state.reason ? ` (${state.reason})` : ''}`
      : 'not held';
    heldBadge.className = held ? 'badge held' : 'badge';
    holdButton.hidden = held || !can('holds:manage');
    releaseButton.hidden = !held || !can('holds:manage');
    holdReason.hidden = held || !can('holds:manage');
  }

  const canvas = h('canvas', { id: 'waveform', 'aria-label': 'waveform (click to seek)' });
  const player = h('audio', { id: 'player', controls: true, preload: 'auto' });
  const listen = can('audio:listen');

  view.replaceChildren(
    h('h1', {}, `Recording ${doc.recordingId || id}`),
    h('div', { class: 'actions' },
      heldBadge,
      can('audio:download') ? downloadButton : null,
      holdReason, holdButton, releaseButton,
      can('recordings:delete') ? deleteButton : null,
      confirmBar),
    listen ? h('section', {}, canvas, player) : h('p', { class: 'muted' }, 'This key may not listen (audio:listen).'),
    h('h2', {}, 'Metadata'), metadataTable(doc),
    h('h2', {}, 'Quality'), qualityTable(doc.quality));
  showHold({ held });
  if (can('recordings:read')) {
    api('GET', `${base}/hold`).then(showHold).catch(() => {});
  }

  holdButton.addEventListener('click', async () => {
    try {
      const reason = holdReason.value.trim();
      showHold(await api('PUT', `${base}/hold`, reason ? { body: { reason } } : {}));
      say('The recording is under legal hold: it cannot be deleted until released.', 'ok');
    } catch (e) {
      sayError(e);
    }
  });
  releaseButton.addEventListener('click', async () => {
    try {
      showHold(await api('DELETE', `${base}/hold`));
      say('The legal hold is released.', 'ok');
    } catch (e) {
      sayError(e);
    }
  });
  deleteButton.addEventListener('click', () => {
    confirmBar.hidden = false;
  });
  confirmBar.querySelector('#delete-cancel').addEventListener('click', () => {
    confirmBar.hidden = true;
  });
  confirmBar.querySelector('#delete-confirm').addEventListener('click', async () => {
    confirmBar.hidden = true;
    try {
      const receipt = await api('DELETE', base);
      player.pause();
      player.removeAttribute('src');
      for (const b of [deleteButton, downloadButton, holdButton, releaseButton]) {
        b.disabled = true;
      }
      say(`Deleted ${receipt.recordingId} at ${when(receipt.deletedAt)} by ${receipt.deletedBy}: `
        + `${(receipt.objects || []).length} objects removed.`, 'ok');
    } catch (e) {
      sayError(e);
    }
  });
  downloadButton.addEventListener('click', async () => {
    try {
      const link = await api('POST', `${base}/download-url`);
      const segments = link.segments || [];
      if (segments.length > 1) {
        // a recording stored in several WAV files: one link each (the first is downloaded now)
        say(`Download links valid until ${when(link.expiresAt)}: the recording is ${segments.length} files.`, 'ok');
        document.getElementById('message').append(h('ul', { id: 'download-links' }, segments.map((seg) =>
          h('li', {}, h('a', { href: seg.url, rel: 'noreferrer' }, `part ${seg.index}`)))));
      } else {
        say(`Download link valid until ${when(link.expiresAt)}.`, 'ok');
      }
      window.location.assign(link.url);
    } catch (e) {
      sayError(e);
    }
  });

  if (!listen) {
    return;
  }
  let peaks = [];
  const redraw = () => draw(canvas, peaks, player.duration > 0 ? player.currentTime / player.duration : 0);
  api('GET', `${base}/peaks`).then((p) => {
    peaks = p.peaks || [];
    redraw();
  }).catch(sayError);
  player.addEventListener('timeupdate', redraw);
  player.addEventListener('seeked', redraw);
  window.addEventListener('resize', redraw);
  canvas.addEventListener('click', (ev) => {
    if (player.duration > 0) {
      const r = canvas.getBoundingClientRect();
      player.currentTime = ((ev.clientX - r.left) / r.width) * player.duration;
    }
  });

  let url = null;
  onLeave(() => {
    player.pause();
    window.removeEventListener('resize', redraw);
    if (url) {
      URL.revokeObjectURL(url);
    }
  });
  try {
    const audio = await (await api('GET', `${base}/audio`, { raw: true })).blob();
    const bytes = new Uint8Array(await audio.arrayBuffer());
    url = URL.createObjectURL(new Blob([bytes], { type: 'audio/wav' }));
    // A-law / µ-law WAV files that this browser cannot decode are turned into 16-bit PCM here
    player.addEventListener('error', function fallback() {
      player.removeEventListener('error', fallback);
      const pcm = pcm16Wav(bytes);
      if (pcm) {
        URL.revokeObjectURL(url);
        url = URL.createObjectURL(new Blob([pcm], { type: 'audio/wav' }));
        player.dataset.decoded = 'console';
        player.src = url;
      }
    });
    player.dataset.decoded = 'browser';
    player.src = url;
    player.dataset.ready = 'true';
  } catch (e) {
    if (e instanceof ApiError) {
      sayError(e);
    } else {
      say(`The audio could not be loaded: ${e.message}`, 'error');
    }
  }
}
