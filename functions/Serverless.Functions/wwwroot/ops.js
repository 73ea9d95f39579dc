// Operating runs from the dashboard: the pause toggle on a DAG page, the runs page across DAGs (#/runs), the clear
// and mark actions of the task panel, and a run's deadline, undelivered notifications and audit trail. Loaded before app.js; uses its helpers (api, esc, $) only when called.
'use strict';

// ---------- runs page ----------
function runsView() {
  let continuation = null;
  let pages = [null];
  return {
    title: 'Runs',
    skeleton: `<h1>Runs</h1><p id="page-problem" class="problem" role="alert" hidden></p>
      <form class="inline" id="runs-filter">
        <div><label for="runs-dag">DAG</label><input id="runs-dag" name="dag" placeholder="all"></div>
        <div><label for="runs-state">State</label><select id="runs-state" name="state"><option value="">any</option>
          <option>queued</option><option>running</option><option>success</option><option>failed</option></select></div>
        <button type="submit">Filter</button>
      </form>
      <table id="runs-table"><caption class="visually-hidden">Runs across DAGs, newest logical date first</caption><thead><tr>
      <th scope="col">Run</th><th scope="col">DAG</th><th scope="col">State</th><th scope="col">Logical date</th><th scope="col">Triggered by</th><th scope="col">Deadline</th>
      </tr></thead><tbody id="runs-rows"><tr><td colspan="6">Loading…</td></tr></tbody></table>
      <div class="actions"><button type="button" class="secondary" id="runs-prev" disabled>Newer</button> <button type="button" class="secondary" id="runs-next" disabled>Older</button></div>`,
    async refresh() {
      const dag = $('#runs-dag')?.value.trim();
      const state = $('#runs-state')?.value;
      const query = [`pageSize=25`, dag ? `dag=${enc(dag)}` : '', state ? `state=${enc(state)}` : '', pages.at(-1) ? `continuation=${enc(pages.at(-1))}` : ''].filter(Boolean).join('&');
      const { data } = await api('GET', `/runs?${query}`);
      continuation = data.continuation;
      const rows = data.runs.map((r) => `<tr data-run="${esc(r.runId)}">
        <th scope="row"><a class="mono" href="#/runs/${enc(r.runId)}">${esc(r.runId)}</a></th>
        <td><a href="#/dags/${enc(r.dagId)}">${esc(r.dagId)}</a></td>
        <td>${badge(r.state)}</td><td class="nowrap">${r.logicalDate ? fmtTime(r.logicalDate) : '—'}</td><td>${esc(r.triggeredBy || '')}</td>
        <td>${deadlineCell(r)}</td></tr>`);
      patch($('#runs-rows'), rows.join('') || '<tr><td colspan="6">No runs.</td></tr>');
      $('#runs-next').disabled = !continuation;
      $('#runs-prev').disabled = pages.length < 2;
      return data.runs.some((r) => isActive(r.state));
    },
    next() { if (continuation) { pages.push(continuation); pollSoon(); } },
    prev() { if (pages.length > 1) { pages.pop(); pollSoon(); } },
    reset() { pages = [null]; pollSoon(); },
  };
}

// ---------- deadlines, dead letters and the audit trail of a run ----------
function deadlineCell(run) {
  return run.deadlineMissed ? '<span class="error-text" data-deadline-missed="true">missed</span>' : '';
}

// The run page's operating section: its deadline, the notifications whose delivery gave up, and who did what.
async function runOps(run) {
  const holder = $('#run-ops');
  if (!holder) return;
  const letters = await api('GET', `/notifications/dead-letters?dag=${enc(run.dagId)}&run=${enc(run.runId)}`)
    .then((x) => x.data.deadLetters).catch(() => []);
  const deadline = run.deadline
    ? `<p id="run-deadline">Deadline ${fmtTime(run.deadline)}: ${run.deadlineMissed ? '<span class="error-text" data-deadline-missed="true">missed</span>' : '<span class="muted">not missed</span>'}</p>`
    : '';
  const letterRows = letters.map((d) => `<tr data-event="${esc(d.eventId)}"><td class="nowrap">${fmtTime(d.deadLetteredAt)}</td>
    <td>${esc(d.kind || '')}</td><td class="mono">${esc(d.taskId || 'run')}</td><td>${esc(d.target || '')}</td><td>${esc(d.attempts ?? '')}</td>
    <td class="error-text">${esc(d.lastError || '')}</td></tr>`).join('');
  const deadLetters = letters.length ? `<h2 id="dead-letters-title">Undelivered notifications</h2>
    <table id="dead-letters"><caption class="visually-hidden">Notifications of the run whose delivery used up its attempts</caption><thead><tr>
    <th scope="col">Given up (UTC)</th><th scope="col">Event</th><th scope="col">Task</th><th scope="col">Target</th><th scope="col">Attempts</th><th scope="col">Last error</th>
    </tr></thead><tbody>${letterRows}</tbody></table>` : '';
  const audit = (run.audit || []).map((a) => `<li>${fmtTime(a.at)} <strong>${esc(a.action)}</strong> by ${esc(a.by)}${a.detail ? `: ${esc(a.detail)}` : ''}</li>`).join('');
  patch(holder, `${deadline}${deadLetters}${audit ? `<h2>Audit trail</h2><ul id="run-audit">${audit}</ul>` : ''}`);
}

// ---------- pause toggle ----------
function pauseToggle(dag) {
  const paused = !!dag.paused;
  return `<button type="button" id="pause-toggle" data-action="pause-toggle" data-dag="${esc(dag.id)}" aria-pressed="${paused}">${paused ? 'Paused: unpause' : 'Active: pause'}</button>
    <span class="muted">${paused ? 'the scheduler starts no runs; manual triggers still run' : 'the scheduler starts due runs'}</span>`;
}

async function togglePause(button) {
  const paused = button.getAttribute('aria-pressed') === 'true';
  button.disabled = true;
  try {
    const { data } = await api('POST', `/dags/${enc(button.dataset.dag)}/${paused ? 'unpause' : 'pause'}`);
    const holder = $('#pause-holder');
    if (holder) holder.innerHTML = pauseToggle({ id: data.dagId, paused: data.paused });
    $('#pause-toggle')?.focus();
  } catch (e) {
    flash(problemText(e), true);
    button.disabled = false;
  }
}

// ---------- task panel actions: clear and mark ----------
function taskActions(runId, taskId) {
  return `<div class="inline" role="group" aria-label="Task actions">
      <label><input type="checkbox" id="clear-downstream" checked> downstream</label>
      <label><input type="checkbox" id="clear-upstream"> upstream</label>
      <button type="button" data-action="clear-task" data-run="${esc(runId)}" data-task="${esc(taskId)}">Clear</button>
      <button type="button" class="secondary" data-action="mark-task" data-state="success" data-run="${esc(runId)}" data-task="${esc(taskId)}">Mark success</button>
      <button type="button" class="secondary" data-action="mark-task" data-state="failed" data-run="${esc(runId)}" data-task="${esc(taskId)}">Mark failed</button>
    </div><p id="task-action-result" role="status" aria-live="polite"></p>`;
}

async function taskAction(button) {
  const out = $('#task-action-result');
  const { run, task } = button.dataset;
  button.disabled = true;
  try {
    if (button.dataset.action === 'clear-task') {
      const body = { tasks: [task], onlyFailed: false, downstream: $('#clear-downstream').checked, upstream: $('#clear-upstream').checked };
      const { data } = await api('POST', `/runs/${enc(run)}/rerun`, body);
      out.className = 'ok';
      out.innerHTML = `Cleared into run <a href="#/runs/${enc(data.id)}" id="clear-link">${esc(data.id)}</a>.`;
    } else {
      await api('POST', `/runs/${enc(run)}/mark`, { state: button.dataset.state, task });
      out.className = 'ok';
      out.textContent = `Task ${task} marked ${button.dataset.state}.`;
      pollSoon();
      refreshTaskPanel?.();
    }
  } catch (e) {
    out.className = 'error-text';
    out.textContent = problemText(e);
  } finally {
    button.disabled = false;
  }
}

// The task panel (task-panel.js) builds an empty #task-panel-actions; fill it whenever a panel appears.
new MutationObserver(() => {
  const holder = document.getElementById('task-panel-actions');
  if (holder && !holder.dataset.filled && typeof taskPanel !== 'undefined' && taskPanel) {
    holder.dataset.filled = 'true';
    holder.innerHTML = taskActions(taskPanel.runId, taskPanel.taskId);
  }
}).observe(document.documentElement, { childList: true, subtree: true });

document.addEventListener('click', (e) => {
  const target = e.target.closest('button[data-action]');
  if (!target) {
    if (e.target.id === 'runs-next') view?.next?.();
    else if (e.target.id === 'runs-prev') view?.prev?.();
    return;
  }
  if (target.dataset.action === 'pause-toggle') togglePause(target);
  else if (target.dataset.action === 'clear-task' || target.dataset.action === 'mark-task') taskAction(target);
});

document.addEventListener('submit', (e) => {
  if (e.target.id === 'runs-filter') { e.preventDefault(); view?.reset?.(); }
});
