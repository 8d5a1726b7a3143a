// tended's dashboard. Everything shown is inserted as text nodes (el() below): no data ever reaches
// innerHTML, so an item id or a handler's output containing markup is shown, never run.
'use strict';

const POLL_MS = 2000;
const STALLS_MS = 15000;
const TOKEN_KEY = 'tended.token';
const openDetails = new Set();

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return e;
}

function svg(tag, attrs) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  return e;
}

const lastRendered = new Map();

/** Whether {@code data} differs from what section {@code id} shows (so an unchanged section keeps its nodes). */
function changed(id, data) {
  const key = JSON.stringify(data);
  if (lastRendered.get(id) === key) return false;
  lastRendered.set(id, key);
  return true;
}

function replace(id, ...nodes) {
  const target = document.getElementById(id);
  target.replaceChildren(...nodes.flat().filter(n => n));
}

/** A <details> that stays open across refreshes (remembered by key). */
function keptDetails(key, summary, body) {
  const d = el('details', {open: openDetails.has(key)}, el('summary', {}, summary), body);
  d.addEventListener('toggle', () => { if (d.open) openDetails.add(key); else openDetails.delete(key); });
  return d;
}

function duration(ms) {
  if (ms === null || ms === undefined || ms < 0) return '–';
  const s = Math.floor(ms / 1000);
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
}

function ago(iso) {
  if (!iso) return 'never';
  return duration(Date.now() - Date.parse(iso)) + ' ago';
}

function time(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function message(kind, text) {
  const m = document.getElementById('message');
  m.className = 'message ' + kind;
  m.textContent = text;
  m.hidden = false;
}

// ---- the token ----

function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

function showTokenState() {
  document.getElementById('token-state').textContent = token() ? 'actions enabled' : 'read-only: paste the token to act';
}

function setupToken() {
  const input = document.getElementById('token');
  document.getElementById('token-form').addEventListener('submit', ev => {
    ev.preventDefault();
    const t = input.value.trim();
    if (t) sessionStorage.setItem(TOKEN_KEY, t);
    input.value = '';
    showTokenState();
  });
  document.getElementById('token-forget').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    showTokenState();
  });
  showTokenState();
}

// ---- actions ----

async function act(action, fields, what) {
  const headers = {'Content-Type': 'application/x-www-form-urlencoded'};
  const t = token();
  if (t) headers['Authorization'] = 'Bearer ' + t;
  message('pending', action + ' ' + what + '…');
  try {
    const r = await fetch('/api/' + action, {method: 'POST', headers, body: new URLSearchParams(fields),
      cache: 'no-store', credentials: 'omit'});
    let answer = {outcome: 'error', message: 'HTTP ' + r.status};
    try { answer = await r.json(); } catch (e) { /* not JSON */ }
    let text = action + ' ' + what + ': ' + answer.outcome + ' — ' + answer.message;
    if (r.status === 401 || r.status === 403) {
      text = action + ' ' + what + ' refused: ' + answer.message + (t ? '' : ' (paste the token above first)');
      message('refused', text);
    } else {
      message(answer.outcome, text);
    }
    refresh();
  } catch (e) {
    message('error', action + ' ' + what + ' failed: ' + e);
  }
}

function button(label, cls, action, fields, what, confirmText) {
  return el('button', {type: 'button', class: cls + ' act-' + action, 'data-action': action,
    'data-source': fields.source, 'data-id': fields.id || null,
    onclick: () => { if (!confirmText || window.confirm(confirmText)) act(action, fields, what); }}, label);
}

// ---- rendering ----

function renderHealth(h) {
  const v = document.getElementById('health');
  v.className = 'verdict ' + (h ? h.verdict : 'unknown');
  v.textContent = h ? h.verdict + (h.failing.length ? ': ' + h.failing.join(', ') : '') : 'health unknown';
  if (!h) return;
  replace('checks', el('table', {}, el('tr', {}, el('th', {}, 'check'), el('th', {}, 'level'), el('th', {}, 'detail')),
    h.checks.map(c => el('tr', {}, el('td', {}, c.name), el('td', {class: 'state ' + (c.ok ? '' : 'failed')}, c.level),
      el('td', {}, c.detail)))));
}

function renderWorker(w, errors) {
  const t = document.getElementById('worker');
  if (!w) { t.textContent = 'worker: ' + (errors.status || 'no status file'); return; }
  t.textContent = 'worker pid ' + w.pid + ' · ' + w.state + ' · heartbeat ' + w.sequence + ' · ' +
    w.ageSeconds.toFixed(1) + ' s ago';
}

function chart(points) {
  const W = 300, H = 64, PAD = 2;
  const s = svg('svg', {class: 'chart', viewBox: '0 0 ' + W + ' ' + H, preserveAspectRatio: 'none', role: 'img'});
  s.appendChild(svg('line', {class: 'axis', x1: 0, y1: H - 1, x2: W, y2: H - 1}));
  const now = Date.now();
  const pts = (points || []).filter(p => Date.parse(p.at) >= now - 3600 * 1000);
  // The last hour, or since the first sample while less than an hour is kept.
  const from = pts.length ? Math.min(Date.parse(pts[0].at), now - 60 * 1000) : now - 3600 * 1000;
  if (pts.length < 2) {
    return el('div', {class: 'chart-box'}, s, el('div', {class: 'chart-note'}, 'collecting samples (every 10 s, 1 h kept)'));
  }
  const x = p => ((Date.parse(p.at) - from) / (now - from)) * W;
  const maxTp = Math.max(1e-9, ...pts.map(p => p.perMinute));
  const lats = pts.filter(p => p.meanSeconds !== null && p.meanSeconds !== undefined);
  const maxLat = Math.max(1e-9, ...lats.map(p => p.meanSeconds));
  const y = (v, max) => H - PAD - (v / max) * (H - 2 * PAD - 10);
  const line = pts.map(p => x(p).toFixed(1) + ',' + y(p.perMinute, maxTp).toFixed(1)).join(' ');
  s.appendChild(svg('polygon', {class: 'tp-area', points: x(pts[0]).toFixed(1) + ',' + (H - 1) + ' ' + line + ' ' +
    x(pts[pts.length - 1]).toFixed(1) + ',' + (H - 1)}));
  s.appendChild(svg('polyline', {class: 'tp', points: line}));
  if (lats.length > 1) {
    s.appendChild(svg('polyline', {class: 'lat', points: lats.map(p => x(p).toFixed(1) + ',' +
      y(p.meanSeconds, maxLat).toFixed(1)).join(' ')}));
  }
  const last = pts[pts.length - 1];
  return el('div', {class: 'chart-box'}, s, el('div', {class: 'chart-note'},
    'now ' + last.perMinute.toFixed(1) + '/min' + (last.meanSeconds != null ? ', ' + last.meanSeconds.toFixed(2) + ' s each' : '') +
    ' · peak ' + maxTp.toFixed(1) + '/min' + (lats.length ? ', ' + maxLat.toFixed(2) + ' s' : '') +
    ' · last ' + duration(now - from).replace(/ \d+ s$/, '')));
}

function renderSources(sources) {
  if (!changed('sources', sources)) return;
  replace('sources', sources.length ? sources.map(src => {
    const badges = [];
    if (src.paused) badges.push(el('span', {class: 'badge warn'}, src.draining ? 'draining' : 'paused'));
    if (src.breaker === 'open') badges.push(el('span', {class: 'badge bad'}, 'breaker open'));
    else if (src.breaker === 'half-open' || src.breaker === 'half_open') badges.push(el('span', {class: 'badge warn'}, 'breaker half-open'));
    if (src.queueFault) badges.push(el('span', {class: 'badge bad', title: src.queueFault}, 'queue fault'));
    if (!badges.length) badges.push(el('span', {class: 'badge ok'}, 'running'));
    const c = src.counts;
    const counts = el('div', {class: 'counts'}, ['pending', 'running', 'failed', 'dead', 'succeeded'].map(k =>
      el('div', {class: k}, el('b', {}, String(c[k])), el('span', {}, k))));
    const facts = el('div', {class: 'facts'},
      el('span', {}, 'backlog age ', el('b', {}, src.oldestPendingAgeSeconds === null ? '–' :
        duration(src.oldestPendingAgeSeconds * 1000))),
      el('span', {}, 'last success ', el('b', {}, ago(src.lastSucceededAt))),
      src.paused && src.pausedBy ? el('span', {}, 'paused ', el('b', {}, ago(src.pausedSince)), ' by ', src.pausedBy) : null,
      src.breakerOpenUntil && src.breaker === 'open' ? el('span', {}, 'breaker until ', el('b', {}, time(src.breakerOpenUntil))) : null,
      src.lastPollError ? el('span', {class: 'error'}, 'poll: ', src.lastPollError) : null,
      src.poller ? el('span', {class: src.poller.node ? 'poller' : 'poller error'}, 'polled by ',
        el('b', {}, src.poller.node || 'no node now'), src.poller.since ? ' since ' + time(src.poller.since) : '') : null);
    const actions = el('div', {class: 'actions'}, src.paused
      ? button('Resume', 'primary', 'resume', {source: src.name}, src.name)
      : [button('Pause', '', 'pause', {source: src.name}, src.name,
          'Pause ' + src.name + '? Its running handlers are stopped and their items handed back.'),
         button('Drain', '', 'pause', {source: src.name, drain: 'true'}, src.name + ' (drain)')]);
    return el('div', {class: 'card source', 'data-source': src.name},
      el('div', {class: 'card-head'}, el('span', {class: 'name'}, src.name), badges),
      counts, facts, chart(src.chart),
      el('div', {class: 'legend'}, el('span', {class: 'tp'}, 'attempts/min'), el('span', {class: 'lat'}, 'mean duration')),
      actions);
  }) : el('p', {class: 'empty'}, 'no sources configured'));
}

/** The nodes of a shared ledger, shown only there (a ledger of one host has none). */
function renderNodes(shared, nodes) {
  const box = document.getElementById('nodes-box');
  box.hidden = !shared;
  if (!shared) return;
  document.getElementById('nodes-count').textContent = nodes ? String(nodes.length) : '';
  if (!nodes) { replace('nodes', el('p', {class: 'empty'}, 'the ledger cannot be read')); return; }
  replace('nodes', el('table', {id: 'nodes-table'},
    el('tr', {}, ['node', 'state', 'last beat', 'running', 'pid', 'version'].map(h => el('th', {}, h))),
    nodes.map(n => el('tr', {class: 'node', 'data-node': n.node},
      el('td', {class: 'id'}, n.node),
      el('td', {class: 'state ' + (n.alive ? '' : 'dead')}, n.alive ? 'alive' : 'silent past its lease'),
      el('td', {class: 'num', title: time(n.beatAt)}, duration(n.silentSeconds * 1000) + ' ago'),
      el('td', {class: 'num'}, String(n.running)), el('td', {class: 'num'}, String(n.pid)),
      el('td', {}, n.version || '')))));
}

function renderRunning(running, clustered) {
  document.getElementById('running-count').textContent = running ? String(running.length) : '';
  if (!running) { replace('running', el('p', {class: 'empty'}, 'the ledger cannot be read')); return; }
  if (!running.length) { replace('running', el('p', {class: 'empty'}, 'nothing running')); return; }
  const heads = ['source', 'id', clustered ? 'node' : null, 'attempt', 'elapsed', 'output', ''].filter(h => h !== null);
  replace('running', el('table', {id: 'running-table'},
    el('tr', {}, heads.map(h => el('th', {}, h))),
    running.map(r => el('tr', {class: 'running-item', 'data-source': r.source, 'data-id': r.id},
      el('td', {}, r.source), el('td', {class: 'id'}, r.id), clustered ? el('td', {class: 'id node'}, r.node || '') : null,
      el('td', {class: 'num'}, String(r.attempt)),
      el('td', {class: 'num'}, duration(r.elapsedMs)),
      el('td', {}, keptDetails('out:' + r.source + '/' + r.id, 'output tail',
        el('pre', {class: 'tail'}, (r.stdoutTail || '') + (r.stderrTail ? '\n--- stderr ---\n' + r.stderrTail : '') || '(no output yet)'))),
      el('td', {}, button('Cancel', 'danger', 'cancel', {source: r.source, id: r.id}, r.source + '/' + r.id,
        'Cancel ' + r.source + '/' + r.id + '? Its handler is stopped and the item ends dead.'))))));
}

function renderFailures(failures) {
  if (!changed('failures', failures)) return;
  document.getElementById('failures-count').textContent = failures ? String(failures.length) : '';
  if (!failures) { replace('failures', el('p', {class: 'empty'}, 'the ledger cannot be read')); return; }
  if (!failures.length) { replace('failures', el('p', {class: 'empty'}, 'no failures')); return; }
  replace('failures', el('table', {id: 'failures-table'},
    el('tr', {}, ['source', 'id', 'state', 'tries', 'exit', 'last error', 'updated', ''].map(h => el('th', {}, h))),
    failures.map(f => el('tr', {class: 'failure-item', 'data-source': f.source, 'data-id': f.id, 'data-state': f.state},
      el('td', {}, f.source), el('td', {class: 'id'}, f.id), el('td', {class: 'state ' + f.state}, f.state),
      el('td', {class: 'num'}, String(f.attempts)), el('td', {class: 'num'}, f.exitCode === null ? '–' : String(f.exitCode)),
      el('td', {class: 'error'}, f.lastError || ''),
      el('td', {class: 'num', title: ago(f.updatedAt)}, time(f.updatedAt)),
      el('td', {}, f.state === 'dead'
        ? button('Retry', 'primary', 'retry', {source: f.source, id: f.id}, f.source + '/' + f.id)
        : button('Cancel', 'danger', 'cancel', {source: f.source, id: f.id}, f.source + '/' + f.id,
            'Cancel ' + f.source + '/' + f.id + '? It ends dead without running again.'))))));
}

function renderRestarts(r) {
  if (!changed('restarts', r)) return;
  if (!r) { replace('restarts', el('p', {class: 'empty'}, 'no supervisor state yet')); return; }
  document.getElementById('restarts-summary').textContent = r.state + (r.crashLooping ? ' · CRASH-LOOPING' : '') +
    (r.failuresInARow ? ' · ' + r.failuresInARow + ' failures in a row' : '');
  if (!r.recent.length) { replace('restarts', el('p', {class: 'empty'}, 'no restart in the last day')); return; }
  replace('restarts', el('table', {},
    el('tr', {}, ['when', 'reason', 'pid', 'detail', 'record'].map(h => el('th', {}, h))),
    r.recent.map(e => el('tr', {},
      el('td', {class: 'num', title: ago(e.at)}, time(e.at)), el('td', {}, e.reason), el('td', {class: 'num'}, String(e.pid)),
      el('td', {}, e.reason === 'exit' ? 'exit code ' + e.exitCode : e.reason === 'stale' ? 'heartbeat stale ' +
        duration(e.staleForMs) : '', ' · ran ', duration(e.uptimeMs)),
      el('td', {class: 'id'}, e.stallRecord || '')))));
}

function renderStalls(stalls) {
  if (!changed('stalls', stalls)) return;
  if (!stalls.length) { replace('stalls', el('p', {class: 'empty'}, 'no stall records')); return; }
  replace('stalls', stalls.map(s => keptDetails('stall:' + s.name,
    [el('span', {class: 'id'}, s.name), ' — ', s.reason || 'stall', ' · ', time(s.modifiedAt)],
    el('pre', {class: 'dump'}, s.text + (s.cut ? '\n… (cut: the whole record is in diagnostics/' + s.name + ')' : '')))));
}

async function getJson(path) {
  const r = await fetch(path, {cache: 'no-store', credentials: 'omit'});
  return r.json();
}

let refreshing = false;
async function refresh() {
  if (refreshing) return;
  refreshing = true;
  try {
    const [board, health] = await Promise.all([getJson('/api/board'), getJson('/healthz').catch(() => null)]);
    renderHealth(health);
    renderWorker(board.worker, board.errors || {});
    renderNodes(board.sharedLedger, board.nodes);
    renderSources(board.sources);
    renderRunning(board.running, board.sharedLedger);
    renderFailures(board.failures);
    renderRestarts(board.restarts);
    document.getElementById('updated').textContent = 'updated ' + time(board.at);
  } catch (e) {
    document.getElementById('updated').textContent = 'cannot reach the dashboard: ' + e;
  } finally {
    refreshing = false;
  }
}

async function refreshStalls() {
  try {
    renderStalls((await getJson('/api/stalls')).stalls);
  } catch (e) { /* the next round tries again */ }
}

document.addEventListener('DOMContentLoaded', () => {
  setupToken();
  refresh();
  refreshStalls();
  setInterval(refresh, POLL_MS);
  setInterval(refreshStalls, STALLS_MS);
});
