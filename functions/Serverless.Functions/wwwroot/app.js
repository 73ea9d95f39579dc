// Serverless dashboard: plain JS over the HTTP API (/api), hash routing, polling while runs are active.
// Pages re-render into a detached copy and are morphed into the live DOM, so polling changes only what changed
// (no flicker, focus and scroll stay where they are).
'use strict';

const KEY_STORAGE = 'serverless.apiKey';
const ACTIVE_POLL_MS = 1500;
const IDLE_POLL_MS = 15000;
const STATES = ['none', 'queued', 'running', 'up_for_retry', 'success', 'failed', 'upstream_failed', 'skipped'];
const STATE_NAMES = {
  none: 'no status', queued: 'queued', running: 'running', up_for_retry: 'up for retry', success: 'success',
  failed: 'failed', upstream_failed: 'upstream failed', skipped: 'skipped',
};

// ---------- small helpers ----------
const $ = (sel, root = document) => root.querySelector(sel);
const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const stateName = (s) => STATE_NAMES[s] || s || 'unknown';
const isActive = (s) => s === 'queued' || s === 'running';
const enc = encodeURIComponent;

function fmtTime(t) {
  if (!t) return '—';
  const d = new Date(t);
  if (isNaN(d)) return esc(t);
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace('Z', ' UTC');
}

function fmtDuration(ms) {
  if (ms == null || isNaN(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

// Times inside one run: the time of day, with the full date in the title (the run's facts give the date).
function fmtClock(t) {
  if (!t) return '—';
  const full = fmtTime(t);
  return `<time datetime="${esc(t)}" title="${esc(full)}">${esc(full.slice(11, 19))}</time>`;
}

function durationOf(started, ended) {
  if (!started) return null;
  const end = ended ? new Date(ended) : new Date();
  return end - new Date(started);
}

// A chained task's job was submitted by its upstream's activity; the run records that job's own submit and end.
// Without both (a run from before they were recorded) no true duration exists, so it shows a dash, never 0.
const CHAINED_NOTE = 'chained: submitted with its upstream';
function taskDurationText(t) {
  const ms = durationOf(t.startedAt, t.endedAt);
  return t.chained && !(ms > 0) ? '—' : fmtDuration(ms);
}
function taskDurationCell(t) {
  const text = taskDurationText(t);
  return t.chained ? `<span class="chained" data-chained="true" title="${esc(CHAINED_NOTE)}">${esc(text)}</span>` : esc(text);
}

function fmtBytes(n) {
  if (n == null) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

function square(state, label, href, reused = false) {
  const text = `${label}: ${stateName(state)}${reused ? ' (reused from the earlier run)' : ''}`;
  const attrs = `class="sq state-${esc(state)}${reused ? ' reused' : ''}" data-state="${esc(state)}"${reused ? ' data-reused="true"' : ''} title="${esc(text)}" aria-label="${esc(text)}"`;
  return href ? `<a ${attrs} href="${esc(href)}"></a>` : `<span role="img" ${attrs}></span>`;
}

function badge(state) {
  return `<span class="badge state-${esc(state)}" data-state="${esc(state)}">${esc(stateName(state))}</span>`;
}

// ---------- DOM morphing: update in place ----------
function morph(from, to) {
  if (from.nodeType !== to.nodeType || from.nodeName !== to.nodeName) {
    from.replaceWith(to);
    return;
  }
  if (from.nodeType === Node.TEXT_NODE || from.nodeType === Node.COMMENT_NODE) {
    if (from.nodeValue !== to.nodeValue) from.nodeValue = to.nodeValue;
    return;
  }
  if (from.nodeType !== Node.ELEMENT_NODE) return;
  // Form fields the user types into keep their live value.
  for (const a of [...from.attributes]) if (!to.hasAttribute(a.name)) from.removeAttribute(a.name);
  for (const a of [...to.attributes]) if (from.getAttribute(a.name) !== a.value) from.setAttribute(a.name, a.value);
  morphChildren(from, to);
}

function morphChildren(from, to) {
  const a = [...from.childNodes];
  const b = [...to.childNodes];
  for (let i = 0; i < b.length; i++) {
    if (i < a.length) morph(a[i], b[i]);
    else from.appendChild(b[i]);
  }
  for (let i = b.length; i < a.length; i++) a[i].remove();
}

function patch(el, html) {
  const t = document.createElement(el.tagName);
  t.innerHTML = html;
  morphChildren(el, t);
}

// ---------- API ----------
class ApiError extends Error {
  constructor(status, title, detail, body) {
    super(detail || title || `HTTP ${status}`);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.body = body;
  }
}

let keyWaiters = [];

function askKey(message, isError = false) {
  const dialog = $('#key-dialog');
  $('#key-message').textContent = message || '';
  $('#key-message').className = isError ? 'error' : '';
  $('#key-input').value = '';
  if (!dialog.open) dialog.showModal();
  $('#key-input').focus();
  return new Promise((resolve) => keyWaiters.push(resolve));
}

async function api(method, path, body) {
  let key = sessionStorage.getItem(KEY_STORAGE);
  if (!key) key = await askKey('Enter the API key to use the dashboard.');
  const headers = { 'x-functions-key': key, Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { detail: text }; }
  if (response.status === 401) {
    sessionStorage.removeItem(KEY_STORAGE);
    const message = 'The API key was refused (401 Unauthorized): it is wrong or expired. Enter a valid key.';
    flash(message, true);
    askKey(message, true).then(() => render());
    throw new ApiError(401, 'Unauthorized', message, data);
  }
  if (!response.ok) {
    throw new ApiError(response.status, data?.title, data?.detail || data?.title || `HTTP ${response.status}`, data);
  }
  return { status: response.status, data, headers: response.headers };
}

function problemText(e) {
  if (e instanceof ApiError) return e.title && e.detail && e.title !== e.detail ? `${e.title}: ${e.detail}` : (e.detail || e.title);
  return e?.message || String(e);
}

function flash(message, isError = false, html = false) {
  const el = $('#flash');
  el.className = isError ? 'error' : '';
  if (html) el.innerHTML = message; else el.textContent = message;
}

// ---------- routing and polling ----------
let generation = 0;
let pollTimer = null;
let view = null; // { refresh: async () => boolean(active) }

function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const parts = hash.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'dags' && parts[1]) return { page: 'dag', dagId: parts[1], runId: parts[2] === 'runs' ? parts[3] : null };
  if (parts[0] === 'runs' && parts[1]) return { page: 'run', runId: parts[1] };
  if (parts[0] === 'runs') return { page: 'runs' };
  if (parts[0] === 'pools') return { page: 'pools' };
  return { page: 'list' };
}

async function render() {
  const gen = ++generation;
  clearTimeout(pollTimer);
  const r = route();
  const main = $('#main');
  const views = { list: listView, dag: dagView, run: runView, runs: runsView, pools: poolsView };
  view = views[r.page](r);
  main.innerHTML = view.skeleton;
  document.title = `${view.title} · Serverless pipelines`;
  await poll(gen);
}

async function poll(gen) {
  if (gen !== generation) return;
  let active = false;
  try {
    active = await view.refresh();
    if (gen !== generation) return;
    const problem = $('#page-problem');
    if (problem) problem.hidden = true;
  } catch (e) {
    if (gen !== generation) return;
    const problem = $('#page-problem');
    if (problem) { problem.hidden = false; problem.textContent = problemText(e); }
    if (e instanceof ApiError && e.status === 401) return; // re-rendered once a key is entered
  }
  pollTimer = setTimeout(() => poll(gen), active ? ACTIVE_POLL_MS : IDLE_POLL_MS);
}

function pollSoon() {
  clearTimeout(pollTimer);
  const gen = generation;
  pollTimer = setTimeout(() => poll(gen), 200);
}

// ---------- DAG list ----------
function listView() {
  return {
    title: 'DAGs',
    skeleton: `<h1>DAGs</h1><p id="page-problem" class="problem" role="alert" hidden></p>
      <table id="dag-table"><caption class="visually-hidden">Deployed DAGs</caption><thead><tr>
      <th scope="col">DAG</th><th scope="col">Description</th><th scope="col">Schedule</th><th scope="col">Next run</th>
      <th scope="col">Tags</th><th scope="col">Last runs</th><th scope="col"><span class="visually-hidden">Actions</span></th>
      </tr></thead><tbody id="dag-rows"><tr><td colspan="7">Loading…</td></tr></tbody></table>`,
    async refresh() {
      const [{ data: list }, { data: runs }] = await Promise.all([api('GET', '/dags'), api('GET', '/runs?pageSize=200')]);
      const valid = list.dags.filter((d) => d.valid && d.id);
      const details = await Promise.all(valid.map((d) => api('GET', `/dags/${enc(d.id)}`).then((r) => r.data).catch(() => null)));
      const byId = Object.fromEntries(details.filter(Boolean).map((d) => [d.id, d]));
      dagCache = { ...dagCache, ...byId };
      const runsByDag = {};
      for (const run of runs.runs) (runsByDag[run.dagId] ||= []).push(run);
      const rows = list.dags.map((d) => {
        if (!d.valid) {
          return `<tr data-dag="${esc(d.id || d.file)}"><td>${esc(d.id || d.file)}</td><td colspan="6"><span class="error-text">Invalid DAG file ${esc(d.file)}: ${esc(d.problems.map((p) => `${p.line ? `line ${p.line}: ` : ''}${p.message}`).join('; '))}</span></td></tr>`;
        }
        const detail = byId[d.id];
        const recent = (runsByDag[d.id] || []).slice(0, 10).reverse();
        const next = detail?.nextScheduleTimes?.[0];
        return `<tr data-dag="${esc(d.id)}">
          <th scope="row"><a href="#/dags/${enc(d.id)}">${esc(d.id)}</a></th>
          <td>${esc(d.description || '')}</td>
          <td class="mono">${esc(d.schedule || 'manual')}</td>
          <td class="nowrap">${next ? fmtTime(next) : '<span class="muted">—</span>'}</td>
          <td class="tags">${(d.tags || []).map((t) => `<span>${esc(t)}</span>`).join('')}</td>
          <td class="nowrap">${recent.length ? recent.map((r) => square(r.state, `Run ${r.runId}`, `#/runs/${enc(r.runId)}`)).join('') : '<span class="muted">no runs</span>'}</td>
          <td><button type="button" data-action="trigger" data-dag="${esc(d.id)}" aria-label="Trigger ${esc(d.id)}">Trigger</button></td>
        </tr>`;
      });
      patch($('#dag-rows'), rows.join('') || '<tr><td colspan="7">No DAGs are deployed.</td></tr>');
      return runs.runs.some((r) => isActive(r.state));
    },
  };
}

let dagCache = {};

// ---------- DAG page ----------
function taskDeps(task) {
  const deps = new Set(task.dependsOn || []);
  for (const input of task.inputs || []) if (input.from) deps.add(input.from.split('.')[0]);
  if (task.expand?.from) deps.add(task.expand.from.split('.')[0]);
  return [...deps];
}

function layout(tasks) {
  const byId = Object.fromEntries(tasks.map((t) => [t.id, t]));
  const depth = {};
  const visit = (id, seen = new Set()) => {
    if (depth[id] != null) return depth[id];
    if (seen.has(id) || !byId[id]) return 0;
    seen.add(id);
    const deps = taskDeps(byId[id]).filter((d) => byId[d]);
    depth[id] = deps.length ? 1 + Math.max(...deps.map((d) => visit(d, seen))) : 0;
    return depth[id];
  };
  tasks.forEach((t) => visit(t.id));
  const columns = [];
  for (const t of tasks) (columns[depth[t.id]] ||= []).push(t.id);
  return { depth, columns };
}

function aggregateState(instances) {
  if (!instances?.length) return 'none';
  const states = instances.map((i) => i.state);
  for (const s of ['failed', 'upstream_failed', 'up_for_retry', 'running', 'queued']) if (states.includes(s)) return s;
  if (states.every((s) => s === 'skipped')) return 'skipped';
  if (states.every((s) => s === 'success' || s === 'skipped')) return 'success';
  return states.includes('none') ? 'none' : states[0];
}

function instancesByTask(run) {
  const map = {};
  for (const t of run?.tasks || []) (map[t.id] ||= []).push(t);
  return map;
}

// An edge that skips columns crosses each intermediate column horizontally through the free lane (between two
// rows, or above the first / below the last) nearest its straight line, so it never passes behind an unrelated
// node; between columns it bends with a cubic whose x stays inside the empty gap.
function edgePath(columns, fromDepth, toDepth, x1, y1, x2, y2, g) {
  const parts = [`M${x1},${y1}`];
  let px = x1; let py = y1;
  const bend = (x, y) => { const mx = (px + x) / 2; parts.push(`C${mx},${py} ${mx},${y} ${x},${y}`); px = x; py = y; };
  for (let c = fromDepth + 1; c < toDepth; c++) {
    const left = g.PAD + c * (g.W + g.GX);
    const want = y1 + ((y2 - y1) * (left - x1)) / (x2 - x1);
    let lane = g.PAD - g.GY / 2;
    for (let r = 0; r <= columns[c].length; r++) {
      const y = g.PAD + r * (g.H + g.GY) - g.GY / 2;
      if (Math.abs(y - want) < Math.abs(lane - want)) lane = y;
    }
    bend(left, lane);
    parts.push(`L${left + g.W},${lane}`);
    px = left + g.W;
  }
  bend(x2, y2);
  return parts.join(' ');
}

function graphSvg(dag, run) {
  const tasks = dag.definition.tasks || [];
  const { depth, columns } = layout(tasks);
  const W = 190; const H = 44; const GX = 70; const GY = 22; const PAD = 16;
  const pos = {};
  columns.forEach((col, c) => col.forEach((id, r) => { pos[id] = { x: PAD + c * (W + GX), y: PAD + r * (H + GY) }; }));
  const width = PAD * 2 + columns.length * W + Math.max(0, columns.length - 1) * GX;
  const height = PAD * 2 + Math.max(1, ...columns.map((c) => c.length)) * (H + GY) - GY;
  const inst = instancesByTask(run);
  const edges = [];
  for (const t of tasks) {
    for (const d of taskDeps(t)) {
      if (!pos[d]) continue;
      const a = pos[d]; const b = pos[t.id];
      const x1 = a.x + W; const y1 = a.y + H / 2; const x2 = b.x; const y2 = b.y + H / 2;
      edges.push(`<path class="edge" data-from="${esc(d)}" data-to="${esc(t.id)}" d="${edgePath(columns, depth[d], depth[t.id], x1, y1, x2 - 6, y2, { W, H, GX, GY, PAD })}" marker-end="url(#arrow)"/>`);
    }
  }
  const nodes = tasks.map((t) => {
    const p = pos[t.id];
    const list = inst[t.id] || [];
    const state = run ? aggregateState(list) : 'none';
    const mapped = !!t.expand;
    const count = mapped ? ` ×${list.filter((i) => i.mapIndex != null).length || list.length}` : '';
    const label = `Task ${t.id}${mapped ? ` (mapped, ${list.length} instance${list.length === 1 ? '' : 's'})` : ''}: ${stateName(state)}${list.length > 0 && list.every((i) => i.reused) ? ' (reused)' : ''}`;
    const dark = state !== 'none';
    const reused = list.length > 0 && list.every((i) => i.reused);
    const href = run ? `#/runs/${enc(run.runId)}` : null;
    const body = `<title>${esc(label)}</title>
      <rect x="${p.x}" y="${p.y}" width="${W}" height="${H}" rx="6" class="state-${esc(state)}${reused ? ' reused' : ''}" style="fill:var(--s-${esc(state)})"/>
      <text x="${p.x + 10}" y="${p.y + 18}" fill="${dark ? '#fff' : '#1f2328'}" font-weight="600">${esc(t.id.length > 24 ? `${t.id.slice(0, 23)}…` : t.id)}${esc(count)}</text>
      <text x="${p.x + 10}" y="${p.y + 34}" fill="${dark ? '#fff' : '#57606a'}">${esc(t.kind)} · ${esc(stateName(state))}</text>`;
    const g = `<g class="node" data-task="${esc(t.id)}" data-state="${esc(state)}" data-depth="${depth[t.id]}"${reused ? ' data-reused="true"' : ''} role="img" aria-label="${esc(label)}">`;
    return href ? `${g}<a href="${esc(href)}" aria-label="${esc(label)}">${body}</a></g>` : `${g}${body}</g>`;
  });
  return `<svg class="graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="group" aria-label="Graph of ${esc(dag.id)}: ${tasks.length} tasks in ${columns.length} columns by dependency depth">
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="4" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#8c959f"/></marker></defs>
    ${edges.join('')}${nodes.join('')}</svg>`;
}

function gridTable(dag, runs, selectedRunId) {
  const tasks = dag.definition.tasks || [];
  const cols = runs.slice().reverse();
  if (!cols.length) return '<p class="muted">No runs yet. Trigger one.</p>';
  // Each column is dated by its run's logical date (month-day, UTC), as Airflow's grid does.
  const day = (t) => (t ? new Date(t).toISOString().slice(5, 10) : '');
  const head = cols.map((r) => `<th scope="col" class="${r.runId === selectedRunId ? 'selected' : ''}" data-run="${esc(r.runId)}">${square(r.state, `Run ${r.runId} (${fmtTime(r.logicalDate)})`, `#/runs/${enc(r.runId)}`)}<span class="grid-date">${esc(day(r.logicalDate))}</span></th>`).join('');
  const rows = tasks.map((t) => {
    const cells = cols.map((r) => {
      const list = instancesByTask(r)[t.id] || [];
      const state = aggregateState(list);
      const reused = list.length > 0 && list.every((i) => i.reused);
      return `<td data-run="${esc(r.runId)}" data-task="${esc(t.id)}">${square(state, `Task ${t.id} in run ${r.runId}${list.length > 1 ? ` (${list.length} instances)` : ''}`, `#/runs/${enc(r.runId)}`, reused)}</td>`;
    }).join('');
    return `<tr><th scope="row" class="task">${esc(t.id)}${t.expand ? ' <span class="muted">[mapped]</span>' : ''}</th>${cells}</tr>`;
  }).join('');
  return `<table class="grid" id="grid"><caption class="visually-hidden">Recent runs (columns, oldest first) by task (rows)</caption>
    <thead><tr><th scope="col" class="task">Task \\ Run</th>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

function paramSummary(params) {
  const entries = Object.entries(params || {});
  if (!entries.length) return '<span class="muted">none</span>';
  return entries.map(([k, v]) => `<code>${esc(k)}</code>: ${esc(v.type)}${v.required ? ' (required)' : ''}${v.default !== undefined ? ` = <code>${esc(JSON.stringify(v.default))}</code>` : ''}`).join('<br>');
}

function dagView(r) {
  let selected = r.runId || null;
  let lastRuns = [];
  let lastDag = null;
  return {
    title: r.dagId,
    skeleton: `<p><a href="#/">← DAGs</a></p><h1>DAG <span class="mono">${esc(r.dagId)}</span></h1>
      <p id="page-problem" class="problem" role="alert" hidden></p>
      <div class="row"><div class="panel" id="dag-facts">Loading…</div></div>
      <div class="actions">
        <button type="button" data-action="trigger" data-dag="${esc(r.dagId)}">Trigger run…</button>
        <span id="pause-holder"></span>
      </div>
      <details class="panel"><summary>Backfill a date range</summary>
        <form class="inline" id="backfill-form" data-dag="${esc(r.dagId)}">
          <div><label for="bf-from">From (logical date)</label><input id="bf-from" name="from" type="date" required></div>
          <div><label for="bf-to">To (logical date)</label><input id="bf-to" name="to" type="date" required></div>
          <div><label for="bf-max">Max active runs</label><input id="bf-max" name="maxActiveRuns" type="number" min="1" value="2"></div>
          <button type="submit">Start backfill</button>
        </form>
        <p id="backfill-result" role="status" aria-live="polite"></p>
      </details>
      <h2 id="graph-title">Graph</h2>
      <div class="actions"><label for="run-select">Colour by run</label> <select id="run-select"></select></div>
      <div class="graph-wrap" id="graph" aria-labelledby="graph-title"></div>
      <h2>Grid</h2><div id="grid-wrap"></div>`,
    async refresh() {
      const [{ data: dag }, { data: runList }] = await Promise.all([
        api('GET', `/dags/${enc(r.dagId)}`),
        api('GET', `/runs?dag=${enc(r.dagId)}&pageSize=25`),
      ]);
      dagCache[dag.id] = dag;
      lastDag = dag;
      lastRuns = runList.runs;
      if (!selected || !lastRuns.some((x) => x.runId === selected)) selected = lastRuns[0]?.runId || null;
      const run = lastRuns.find((x) => x.runId === selected) || null;
      patch($('#pause-holder'), pauseToggle(dag));
      patch($('#dag-facts'), `<dl class="facts">
        <dt>Description</dt><dd>${esc(dag.description || '—')}</dd>
        <dt>Schedule</dt><dd><span class="mono">${esc(dag.schedule || 'manual')}</span>${dag.catchup ? ' (catchup)' : ''}</dd>
        <dt>Next runs</dt><dd>${dag.nextScheduleTimes?.length ? dag.nextScheduleTimes.map(fmtTime).join('<br>') : '—'}</dd>
        <dt>Tags</dt><dd class="tags">${(dag.definition.tags || []).map((t) => `<span>${esc(t)}</span>`).join('') || '—'}</dd>
        <dt>Max active runs</dt><dd>${esc(dag.maxActiveRuns)}</dd>
        <dt>Params</dt><dd>${paramSummary(dag.definition.params)}</dd></dl>`);
      const select = $('#run-select');
      patch(select, lastRuns.map((x) => `<option value="${esc(x.runId)}"${x.runId === selected ? ' selected' : ''}>${esc(x.runId)} — ${esc(stateName(x.state))}</option>`).join('') || '<option value="">no runs</option>');
      select.value = selected || '';
      patch($('#graph'), graphSvg(dag, run));
      patch($('#grid-wrap'), gridTable(dag, lastRuns.slice(0, 15), selected));
      return lastRuns.some((x) => isActive(x.state));
    },
    select(runId) {
      selected = runId;
      const run = lastRuns.find((x) => x.runId === selected) || null;
      if (lastDag) {
        patch($('#graph'), graphSvg(lastDag, run));
        patch($('#grid-wrap'), gridTable(lastDag, lastRuns.slice(0, 15), selected));
      }
    },
  };
}

// ---------- run page ----------
function manifestOutputs(manifest, task) {
  if (!manifest?.tasks) return null;
  const entry = manifest.tasks.find((m) => m.taskId === task.id && (m.mapIndex ?? null) === (task.mapIndex ?? null));
  return entry?.outputs || null;
}

function outputsCell(task, manifest) {
  const names = Object.keys(task.outputs || {});
  if (!names.length) return '<span class="muted">—</span>';
  const measured = manifestOutputs(manifest, task) || {};
  return `<ul class="outputs">${names.map((name) => {
    const m = measured[name] || {};
    const facts = [];
    if (m.bytes != null) facts.push(fmtBytes(m.bytes) + (m.files != null ? ` in ${m.files} file${m.files === 1 ? '' : 's'}` : ''));
    if (m.rows != null) facts.push(`${Number(m.rows).toLocaleString('en-US')} rows`);
    return `<li data-output="${esc(name)}"><strong>${esc(name)}</strong>: <code>${esc(task.outputs[name])}</code>${facts.length ? ` <span class="muted">(${esc(facts.join(', '))})</span>` : ''}</li>`;
  }).join('')}</ul>`;
}

function ganttSvg(run) {
  const tasks = (run.tasks || []).filter((t) => t.startedAt);
  if (!tasks.length) return '<p class="muted">No task has started yet.</p>';
  const start = Math.min(...tasks.map((t) => +new Date(t.startedAt)), run.startedAt ? +new Date(run.startedAt) : Infinity);
  const end = Math.max(...tasks.map((t) => +(t.endedAt ? new Date(t.endedAt) : new Date())), run.endedAt ? +new Date(run.endedAt) : 0);
  const span = Math.max(1, end - start);
  const LABEL = 200; const BAR = 560; const ROW = 22; const TOP = 22;
  const width = LABEL + BAR + 90;
  const height = TOP + tasks.length * ROW + 8;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const x = LABEL + f * BAR;
    return `<line class="axis" x1="${x}" y1="${TOP - 4}" x2="${x}" y2="${height}"/><text x="${x}" y="12" text-anchor="middle">${esc(fmtDuration(f * span))}</text>`;
  }).join('');
  const bars = tasks.map((t, i) => {
    const s = +new Date(t.startedAt);
    const e = t.endedAt ? +new Date(t.endedAt) : Date.now();
    const x = LABEL + ((s - start) / span) * BAR;
    const w = Math.max(2, ((e - s) / span) * BAR);
    const y = TOP + i * ROW;
    const name = t.mapIndex != null ? `${t.id}[${t.mapIndex}]` : t.id;
    const shown = t.endedAt ? taskDurationText(t) : fmtDuration(e - s);
    const label = `${name}: ${stateName(t.state)}, ${shown}${t.chained ? ` (${CHAINED_NOTE})` : ''}`;
    return `<g data-task="${esc(name)}" role="img" aria-label="${esc(label)}"><title>${esc(label)}</title>
      <text x="4" y="${y + 14}">${esc(name.length > 30 ? `${name.slice(0, 29)}…` : name)}</text>
      <rect x="${x}" y="${y + 3}" width="${w}" height="${ROW - 8}" rx="3" style="fill:var(--s-${esc(t.state)})" stroke="#24292f" stroke-width=".5"/>
      <text x="${x + w + 4}" y="${y + 14}">${esc(shown)}</text></g>`;
  }).join('');
  return `<svg class="gantt" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="group" aria-label="Timeline of the run's tasks">${ticks}${bars}</svg>`;
}

function runView(r) {
  let manifest = null;
  let lastManifestState = null;
  return {
    title: `Run ${r.runId}`,
    skeleton: `<p id="run-back"><a href="#/">← DAGs</a></p><h1>Run <span class="mono">${esc(r.runId)}</span> <span id="run-state"></span></h1>
      <p id="page-problem" class="problem" role="alert" hidden></p>
      <div class="row"><div class="panel" id="run-facts">Loading…</div></div>
      <div class="actions" id="run-actions">
        <button type="button" class="danger" data-action="terminate" data-run="${esc(r.runId)}">Terminate</button>
        <button type="button" data-action="rerun" data-run="${esc(r.runId)}">Rerun failed tasks</button>
      </div>
      <details class="panel" id="event-panel"><summary>Raise an event (for a waiting sensor)</summary>
        <form class="inline" id="event-form" data-run="${esc(r.runId)}">
          <div><label for="ev-name">Event name</label><input id="ev-name" name="name" required pattern="[A-Za-z][A-Za-z0-9_]*"></div>
          <div style="flex:1"><label for="ev-payload">Payload (JSON, optional)</label><textarea id="ev-payload" name="payload"></textarea></div>
          <button type="submit">Raise event</button>
        </form>
      </details>
      <p id="action-result" role="status" aria-live="polite"></p>
      <section id="run-ops" aria-label="Deadline, undelivered notifications and audit trail"></section>
      <h2>Tasks</h2>
      <table id="task-table"><caption class="visually-hidden">Task instances of the run</caption><thead><tr>
        <th scope="col">Task</th><th scope="col">State</th><th scope="col">Attempts</th><th scope="col">Started (UTC)</th><th scope="col">Ended (UTC)</th>
        <th scope="col">Duration</th><th scope="col">Job id</th><th scope="col">Outputs</th><th scope="col">Error</th></tr></thead>
        <tbody id="task-rows"></tbody></table>
      <h2 id="gantt-title">Timeline</h2><div class="gantt-wrap" id="gantt" aria-labelledby="gantt-title"></div>`,
    async refresh() {
      const { data: run } = await api('GET', `/runs/${enc(r.runId)}`);
      // The manifest changes as tasks finish; fetch it again while the run is active and once when it ends.
      if (isActive(run.state) || lastManifestState !== run.state || !manifest) {
        manifest = await api('GET', `/runs/${enc(r.runId)}/manifest`).then((x) => x.data).catch(() => manifest);
        lastManifestState = run.state;
      }
      patch($('#run-back'), `<a href="#/dags/${enc(run.dagId)}/runs/${enc(run.runId)}">← DAG ${esc(run.dagId)}</a>`);
      patch($('#run-state'), badge(run.state));
      const params = Object.entries(run.params || {});
      patch($('#run-facts'), `<dl class="facts">
        <dt>DAG</dt><dd><a href="#/dags/${enc(run.dagId)}">${esc(run.dagId)}</a></dd>
        <dt>State</dt><dd data-run-state="${esc(run.state)}">${esc(stateName(run.state))}</dd>
        <dt>Logical date</dt><dd>${fmtTime(run.logicalDate)}</dd>
        <dt>Created</dt><dd>${fmtTime(run.createdAt)}</dd>
        <dt>Started</dt><dd>${fmtTime(run.startedAt)}</dd>
        <dt>Ended</dt><dd>${fmtTime(run.endedAt)}</dd>
        <dt>Duration</dt><dd>${fmtDuration(durationOf(run.startedAt || run.createdAt, run.endedAt))}</dd>
        <dt>Params</dt><dd>${params.length ? params.map(([k, v]) => `<code>${esc(k)}</code> = <code>${esc(JSON.stringify(v))}</code>`).join('<br>') : '<span class="muted">none</span>'}</dd>
        ${run.rerunOf ? `<dt>Rerun of</dt><dd><a href="#/runs/${enc(run.rerunOf)}">${esc(run.rerunOf)}</a></dd>` : ''}
        ${run.error ? `<dt>Error</dt><dd class="error-text">${esc(run.error)}</dd>` : ''}</dl>`);
      const terminate = $('[data-action="terminate"]');
      const rerun = $('[data-action="rerun"]');
      if (terminate) terminate.disabled = !isActive(run.state);
      if (rerun) rerun.disabled = run.state !== 'failed';
      const rows = (run.tasks || []).map((t) => {
        const name = t.mapIndex != null ? `${t.id}[${t.mapIndex}]` : t.id;
        return `<tr data-task="${esc(name)}" data-state="${esc(t.state)}">
          <th scope="row" class="mono"><button type="button" class="link" data-action="task-panel" data-run="${esc(run.runId)}" data-task="${esc(t.id)}" data-map-index="${esc(t.mapIndex ?? '')}" aria-label="Open task ${esc(name)}">${esc(name)}</button>${t.reused ? ' <span class="muted">(reused)</span>' : ''}</th>
          <td>${badge(t.state)}</td><td>${esc(t.attempts ?? 0)}</td>
          <td class="nowrap">${fmtClock(t.startedAt)}</td><td class="nowrap">${fmtClock(t.endedAt)}</td>
          <td class="nowrap duration">${taskDurationCell(t)}</td>
          <td class="mono job">${esc(t.jobId || '—')}</td>
          <td>${outputsCell(t, manifest)}</td>
          <td class="error-text">${esc(t.error || '')}</td></tr>`;
      }).join('');
      patch($('#task-rows'), rows || '<tr><td colspan="9">No tasks yet.</td></tr>');
      patch($('#gantt'), ganttSvg(run));
      await runOps(run);
      return isActive(run.state);
    },
  };
}

// ---------- trigger form (generated from the DAG's params) ----------
let triggerDag = null;

function paramField(name, p) {
  const id = `param-${name}`;
  const req = p.required ? ' required aria-required="true"' : '';
  const help = `<small id="${esc(id)}-help">${esc(p.type)}${p.required ? ', required' : ''}${p.description ? ` — ${esc(p.description)}` : ''}</small>`;
  const desc = ` aria-describedby="${esc(id)}-help"`;
  const def = p.default;
  let input;
  switch (p.type) {
    case 'integer':
    case 'number':
      input = `<input id="${esc(id)}" name="${esc(name)}" type="number"${p.type === 'integer' ? ' step="1"' : ' step="any"'} value="${def != null ? esc(def) : ''}"${req}${desc}>`;
      break;
    case 'boolean':
      return `<div class="field"><input id="${esc(id)}" name="${esc(name)}" type="checkbox"${def ? ' checked' : ''}${desc}> <label for="${esc(id)}" style="display:inline">${esc(name)}</label>${help}</div>`;
    case 'date':
      input = `<input id="${esc(id)}" name="${esc(name)}" type="date" value="${def != null ? esc(String(def).slice(0, 10)) : ''}"${req}${desc}>`;
      break;
    case 'array':
    case 'object':
      input = `<textarea id="${esc(id)}" name="${esc(name)}"${req}${desc}>${def != null ? esc(JSON.stringify(def)) : ''}</textarea>`;
      break;
    default:
      input = `<input id="${esc(id)}" name="${esc(name)}" type="text" value="${def != null ? esc(def) : ''}"${req}${desc}>`;
  }
  return `<div class="field"><label for="${esc(id)}">${esc(name)}</label>${input}${help}</div>`;
}

async function openTrigger(dagId) {
  let dag = dagCache[dagId];
  if (!dag) {
    try { dag = (await api('GET', `/dags/${enc(dagId)}`)).data; dagCache[dagId] = dag; } catch (e) { flash(problemText(e), true); return; }
  }
  triggerDag = dag;
  const params = dag.definition.params || {};
  $('#trigger-title').textContent = `Trigger ${dagId}`;
  $('#trigger-fields').innerHTML = `${Object.entries(params).map(([n, p]) => paramField(n, p)).join('')}
    <div class="field"><label for="trigger-logical-date">Logical date (optional)</label><input id="trigger-logical-date" name="__logicalDate" type="datetime-local" aria-describedby="trigger-ld-help"><small id="trigger-ld-help">UTC; now when empty</small></div>`;
  $('#trigger-result').textContent = '';
  $('#trigger-result').className = '';
  $('#trigger-submit').disabled = false;
  $('#trigger-dialog').showModal();
  const first = $('#trigger-fields input, #trigger-fields textarea');
  if (first) first.focus();
}

function readParams(form, params) {
  const values = {};
  for (const [name, p] of Object.entries(params)) {
    const el = form.elements[name];
    if (!el) continue;
    if (p.type === 'boolean') { values[name] = el.checked; continue; }
    const raw = el.value.trim();
    if (raw === '') {
      if (p.required) throw new Error(`'${name}' is required.`);
      continue;
    }
    if (p.type === 'integer' || p.type === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n) || (p.type === 'integer' && !Number.isInteger(n))) throw new Error(`'${name}' must be ${p.type === 'integer' ? 'an integer' : 'a number'}.`);
      values[name] = n;
    } else if (p.type === 'array' || p.type === 'object') {
      try { values[name] = JSON.parse(raw); } catch { throw new Error(`'${name}' must be JSON (${p.type}).`); }
    } else {
      values[name] = raw;
    }
  }
  return values;
}

async function submitTrigger(event) {
  event.preventDefault();
  const form = event.target;
  const out = $('#trigger-result');
  const dag = triggerDag;
  let body;
  try {
    body = { params: readParams(form, dag.definition.params || {}) };
    const ld = form.elements.__logicalDate?.value;
    if (ld) body.logicalDate = `${ld.length === 16 ? `${ld}:00` : ld}Z`;
  } catch (e) {
    out.className = 'error-text';
    out.textContent = e.message;
    return;
  }
  $('#trigger-submit').disabled = true;
  try {
    const { data } = await api('POST', `/dags/${enc(dag.id)}/runs`, body);
    out.className = 'ok';
    out.innerHTML = `${data.created === false ? 'A run with that id already exists' : 'Started run'} <a href="#/runs/${enc(data.id)}" id="triggered-run">${esc(data.id)}</a>.`;
    flash(`Started run ${data.id} of ${dag.id}.`);
    if (route().page === 'dag') { view.select?.(data.id); }
    pollSoon();
  } catch (e) {
    out.className = 'error-text';
    out.textContent = problemText(e);
  } finally {
    $('#trigger-submit').disabled = false;
  }
}

// ---------- other actions ----------
async function runAction(kind, runId, button) {
  const out = $('#action-result');
  button.disabled = true;
  try {
    if (kind === 'terminate') {
      await api('POST', `/runs/${enc(runId)}/terminate?reason=${enc('Terminated from the dashboard')}`);
      out.className = 'ok';
      out.textContent = `Asked run ${runId} to terminate.`;
    } else {
      const { data } = await api('POST', `/runs/${enc(runId)}/rerun`, { onlyFailed: true });
      out.className = 'ok';
      out.innerHTML = `Rerun started: <a href="#/runs/${enc(data.id)}" id="rerun-link">${esc(data.id)}</a>.`;
    }
    pollSoon();
  } catch (e) {
    out.className = 'error-text';
    out.textContent = problemText(e);
  } finally {
    button.disabled = false;
  }
}

async function submitEvent(event) {
  event.preventDefault();
  const form = event.target;
  const out = $('#action-result');
  const payload = form.elements.payload.value.trim();
  if (payload) {
    try { JSON.parse(payload); } catch { out.className = 'error-text'; out.textContent = 'The payload must be JSON.'; return; }
  }
  try {
    const key = sessionStorage.getItem(KEY_STORAGE) || await askKey('Enter the API key.');
    // Posted as raw JSON text: the API takes the body as the event payload.
    const response = await fetch(`api/runs/${enc(form.dataset.run)}/events/${enc(form.elements.name.value)}`, {
      method: 'POST', headers: { 'x-functions-key': key, 'Content-Type': 'application/json' }, body: payload || undefined,
    });
    if (response.status === 401) { sessionStorage.removeItem(KEY_STORAGE); askKey('The API key was refused (401 Unauthorized). Enter a valid key.', true); throw new ApiError(401, 'Unauthorized', 'The API key was refused.'); }
    if (!response.ok) {
      const p = await response.json().catch(() => ({}));
      throw new ApiError(response.status, p.title, p.detail || `HTTP ${response.status}`);
    }
    out.className = 'ok';
    out.textContent = `Raised event '${form.elements.name.value}'.`;
    pollSoon();
  } catch (e) {
    out.className = 'error-text';
    out.textContent = problemText(e);
  }
}

async function submitBackfill(event) {
  event.preventDefault();
  const form = event.target;
  const out = $('#backfill-result');
  const body = { from: `${form.elements.from.value}T00:00:00Z`, to: `${form.elements.to.value}T00:00:00Z` };
  const max = form.elements.maxActiveRuns.value;
  if (max) body.maxActiveRuns = Number(max);
  try {
    const { data } = await api('POST', `/dags/${enc(form.dataset.dag)}/backfill`, body);
    out.className = 'ok';
    out.textContent = `Backfill started ${data.runs.length} run(s): ${data.runs.map((x) => x.id).join(', ')}`;
    pollSoon();
  } catch (e) {
    out.className = 'error-text';
    out.textContent = problemText(e);
  }
}

// ---------- wiring ----------
function legend() {
  $('#legend').innerHTML = STATES.map((s) => `<li><span class="sq state-${s}" aria-hidden="true"></span> ${esc(stateName(s))}</li>`).join('');
}

document.addEventListener('click', (e) => {
  const button = e.target.closest('button[data-action]');
  if (!button) return;
  const action = button.dataset.action;
  if (action === 'trigger') openTrigger(button.dataset.dag);
  else if (action === 'terminate' || action === 'rerun') runAction(action, button.dataset.run, button);
});

document.addEventListener('change', (e) => {
  if (e.target.id === 'run-select' && view?.select) view.select(e.target.value);
});

document.addEventListener('submit', (e) => {
  if (e.target.id === 'trigger-form') submitTrigger(e);
  else if (e.target.id === 'backfill-form') submitBackfill(e);
  else if (e.target.id === 'event-form') submitEvent(e);
});

$('#key-form').addEventListener('submit', (e) => {
  const value = $('#key-input').value.trim();
  if (!value) { e.preventDefault(); return; }
  sessionStorage.setItem(KEY_STORAGE, value);
  flash('');
  const waiters = keyWaiters;
  keyWaiters = [];
  waiters.forEach((w) => w(value));
});
$('#key-dialog').addEventListener('cancel', (e) => { if (!sessionStorage.getItem(KEY_STORAGE)) e.preventDefault(); });
$('#change-key').addEventListener('click', () => askKey('Enter a new API key.').then(() => render()));
$('#trigger-cancel').addEventListener('click', () => $('#trigger-dialog').close());
$('#openapi-link').addEventListener('click', (e) => {
  // The OpenAPI document needs the key too; fetch it with the header rather than putting the key in a URL.
  e.preventDefault();
  api('GET', '/openapi.json').then(({ data }) => {
    const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
    window.open(URL.createObjectURL(blob), '_blank', 'noopener');
  }).catch((err) => flash(problemText(err), true));
});
window.addEventListener('hashchange', () => {
  // A link followed from inside the trigger dialog (the new run) leaves the dialog behind.
  if ($('#trigger-dialog').open) $('#trigger-dialog').close();
  if (!$('#flash').classList.contains('error')) flash('');
  render(); $('#main').focus({ preventScroll: true }); });

legend();
render();
