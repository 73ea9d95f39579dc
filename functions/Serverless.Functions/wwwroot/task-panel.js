// Task panel of the run page: one task instance's attempt logs (tailed while it runs), its rendered SQL and its
// outputs. Loaded after app.js and uses its helpers ($, esc, enc, api, badge, stateName, fmtBytes, ApiError).
'use strict';

const TASK_PANEL_POLL_MS = 1500;
const FINISHED_STATES = ['success', 'failed', 'upstream_failed', 'skipped'];
let taskPanel = null; // { runId, taskId, mapIndex, attempt, follow, offset, timer, hash }

// The log is plain text, so it is read with fetch directly (api() parses JSON); the key is the same.
async function fetchLog(p, offset) {
  const key = sessionStorage.getItem(KEY_STORAGE) || '';
  const query = new URLSearchParams({ attempt: String(p.attempt), offset: String(offset) });
  if (p.mapIndex != null) query.set('mapIndex', String(p.mapIndex));
  const response = await fetch(`api/runs/${enc(p.runId)}/tasks/${enc(p.taskId)}/logs?${query}`, { headers: { 'x-functions-key': key }, cache: 'no-store' });
  const text = await response.text();
  if (!response.ok) {
    let detail = text;
    try { detail = JSON.parse(text).detail || detail; } catch { /* plain text */ }
    throw new ApiError(response.status, response.statusText, detail, null);
  }
  return text;
}

// The rendered SQL is in the log, below "  sql:", each line indented by four spaces after the time stamp.
function sqlOf(log) {
  const lines = log.split('\n').map((l) => l.replace(/^\S+ /, ''));
  const start = lines.findIndex((l) => l === '  sql:');
  if (start < 0) return null;
  const sql = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('    ')) break;
    sql.push(line.slice(4));
  }
  return sql.join('\n');
}

function instanceOf(run, p) {
  return (run.tasks || []).find((t) => t.id === p.taskId && (t.mapIndex ?? null) === (p.mapIndex ?? null));
}

function outputsList(task, manifest) {
  const names = Object.keys(task.outputs || {});
  if (!names.length) return '<p class="muted">No outputs (yet).</p>';
  const entry = manifest?.tasks?.find((m) => m.taskId === task.id && (m.mapIndex ?? null) === (task.mapIndex ?? null));
  return `<ul class="outputs">${names.map((name) => {
    const m = entry?.outputs?.[name] || {};
    const facts = [];
    if (m.rows != null) facts.push(`${Number(m.rows).toLocaleString('en-US')} rows`);
    if (m.bytes != null) facts.push(fmtBytes(m.bytes));
    const preview = Array.isArray(m.preview) && m.preview.length
      ? `<table class="preview"><thead><tr>${Object.keys(m.preview[0]).map((c) => `<th scope="col">${esc(c)}</th>`).join('')}</tr></thead>
          <tbody>${m.preview.map((row) => `<tr>${Object.values(row).map((v) => `<td>${esc(typeof v === 'object' ? JSON.stringify(v) : v)}</td>`).join('')}</tr>`).join('')}</tbody></table>`
      : '';
    return `<li data-output="${esc(name)}"><strong>${esc(name)}</strong>: <code>${esc(task.outputs[name])}</code>${facts.length ? ` <span class="muted">(${esc(facts.join(', '))})</span>` : ''}${preview}</li>`;
  }).join('')}</ul>`;
}

function closeTaskPanel() {
  if (!taskPanel) return;
  clearTimeout(taskPanel.timer);
  taskPanel = null;
  $('#task-panel')?.remove();
}

async function openTaskPanel(runId, taskId, mapIndex) {
  closeTaskPanel();
  const name = mapIndex != null ? `${taskId}[${mapIndex}]` : taskId;
  const section = document.createElement('section');
  section.id = 'task-panel';
  section.className = 'panel';
  section.setAttribute('aria-labelledby', 'task-panel-title');
  section.innerHTML = `<h2 id="task-panel-title">Task <span class="mono">${esc(name)}</span> <span id="task-panel-state"></span></h2>
    <div class="inline">
      <label for="task-attempt">Attempt</label> <select id="task-attempt"></select>
      <button type="button" class="secondary" id="task-panel-close">Close</button>
    </div>
    <div id="task-panel-actions"></div>
    <h3>Log</h3><p id="task-log-problem" class="problem" role="alert" hidden></p>
    <pre id="task-log" class="log" tabindex="0" aria-label="Log of the attempt"></pre>
    <h3>Rendered SQL</h3><pre id="task-sql" class="log"><span class="muted">—</span></pre>
    <h3>Outputs</h3><div id="task-outputs"></div>`;
  const table = $('#task-table');
  table.after(section);
  taskPanel = { runId, taskId, mapIndex, attempt: null, follow: true, offset: 0, log: '', hash: location.hash };
  await refreshTaskPanel();
  section.scrollIntoView({ block: 'nearest' });
  $('#task-attempt').focus();
}

async function refreshTaskPanel() {
  const p = taskPanel;
  if (!p) return;
  clearTimeout(p.timer);
  let finished = true;
  try {
    const { data: run } = await api('GET', `/runs/${enc(p.runId)}`);
    if (p !== taskPanel) return;
    const task = instanceOf(run, p);
    if (!task) throw new ApiError(404, 'Not found', `The run has no task ${p.taskId}.`, null);
    finished = FINISHED_STATES.includes(task.state);
    $('#task-panel-state').innerHTML = badge(task.state);
    const attempts = task.attempts || 0;
    const select = $('#task-attempt');
    if (select.options.length !== attempts) {
      select.innerHTML = Array.from({ length: attempts }, (_, i) => `<option value="${i + 1}">${i + 1} of ${attempts}</option>`).join('');
    }
    // Following the latest attempt until the user picks another one.
    if (p.follow && attempts && p.attempt !== attempts) { p.attempt = attempts; p.offset = 0; p.log = ''; }
    if (p.attempt) select.value = String(p.attempt);
    if (p.attempt) {
      const more = await fetchLog(p, p.offset);
      if (p !== taskPanel) return;
      p.offset += new TextEncoder().encode(more).length;
      p.log += more;
      const pre = $('#task-log');
      const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
      pre.textContent = p.log;
      if (atEnd) pre.scrollTop = pre.scrollHeight;
      const sql = sqlOf(p.log);
      if (sql != null) $('#task-sql').textContent = sql;
    } else {
      $('#task-log').textContent = 'No attempt has started yet.';
    }
    $('#task-log-problem').hidden = true;
    const manifest = await api('GET', `/runs/${enc(p.runId)}/manifest`).then((x) => x.data).catch(() => null);
    if (p !== taskPanel) return;
    $('#task-outputs').innerHTML = outputsList(task, manifest);
  } catch (e) {
    if (p !== taskPanel) return;
    const problem = $('#task-log-problem');
    problem.hidden = false;
    problem.textContent = problemText(e);
  }
  if (!finished && p === taskPanel) p.timer = setTimeout(refreshTaskPanel, TASK_PANEL_POLL_MS);
}

document.addEventListener('click', (e) => {
  const open = e.target.closest('button[data-action="task-panel"]');
  if (open) {
    const mapIndex = open.dataset.mapIndex === '' || open.dataset.mapIndex == null ? null : Number(open.dataset.mapIndex);
    openTaskPanel(open.dataset.run, open.dataset.task, mapIndex);
  } else if (e.target.id === 'task-panel-close') {
    closeTaskPanel();
  }
});

document.addEventListener('change', (e) => {
  if (e.target.id !== 'task-attempt' || !taskPanel) return;
  const attempt = Number(e.target.value);
  taskPanel.follow = attempt === e.target.options.length;
  taskPanel.attempt = attempt;
  taskPanel.offset = 0;
  taskPanel.log = '';
  $('#task-sql').textContent = '—';
  refreshTaskPanel();
});

window.addEventListener('hashchange', () => { if (taskPanel && taskPanel.hash !== location.hash) closeTaskPanel(); });
