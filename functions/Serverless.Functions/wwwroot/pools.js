// The pools page (#/pools): every pool's size, occupancy and queue from GET /api/pools, with the task attempts that
// hold its slots and those waiting, in the order they get them. Loaded before app.js; uses its helpers when called.
'use strict';

function poolsView() {
  const attempt = (a) => `<a class="mono" href="#/runs/${enc(a.runId)}">${esc(a.runId)}</a> / ${esc(a.taskId)}${a.mapIndex != null ? `[${esc(a.mapIndex)}]` : ''}`
    + `${a.attempt > 1 ? ` <span class="muted">attempt ${esc(a.attempt)}</span>` : ''}${a.slots > 1 ? ` <span class="muted">×${esc(a.slots)}</span>` : ''}`;
  return {
    title: 'Pools',
    skeleton: `<h1>Pools</h1><p id="page-problem" class="problem" role="alert" hidden></p>
      <p class="muted">Slots shared by tasks across DAGs and hosts (<code>Serverless__Pools__&lt;name&gt;__Slots</code>);
        queued task attempts get free slots by priority, highest first.</p>
      <table id="pools-table"><caption class="visually-hidden">Pools and their occupancy</caption><thead><tr>
      <th scope="col">Pool</th><th scope="col">Slots</th><th scope="col">Occupied</th><th scope="col">Queued</th>
      <th scope="col">Held by</th><th scope="col">Waiting (next first)</th><th scope="col">Description</th>
      </tr></thead><tbody id="pools-rows"><tr><td colspan="7">Loading…</td></tr></tbody></table>`,
    async refresh() {
      const { data } = await api('GET', '/pools');
      const rows = data.pools.map((p) => `<tr data-pool="${esc(p.name)}">
        <th scope="row" class="mono">${esc(p.name)}</th>
        <td class="slots">${p.slots == null ? 'unlimited' : esc(p.slots)}</td>
        <td class="occupied">${esc(p.occupied)}${p.slots ? ` <meter min="0" max="${esc(p.slots)}" value="${esc(p.occupied)}" aria-label="${esc(p.occupied)} of ${esc(p.slots)} slots occupied"></meter>` : ''}</td>
        <td class="queued">${esc(p.queued)}</td>
        <td class="holders">${p.holders.map((h) => `<div>${attempt(h)} <span class="muted">since ${fmtTime(h.since)}</span></div>`).join('') || '—'}</td>
        <td class="waiters">${p.waiters.map((w) => `<div>${attempt(w)} <span class="muted">priority ${esc(w.priority)}</span></div>`).join('') || '—'}</td>
        <td>${esc(p.description || '')}</td></tr>`);
      patch($('#pools-rows'), rows.join('') || '<tr><td colspan="7">No pools.</td></tr>');
      return data.pools.some((p) => p.occupied > 0 || p.queued > 0);
    },
  };
}

// The task panel (task-panel.js) says which pool a task's attempts take slots of and its priority, from the DAG's
// current definition (task setting, else the DAG's defaults, else default_pool and 1).
async function fillTaskPool(holder, runId, taskId) {
  try {
    const { data: run } = await api('GET', `/runs/${enc(runId)}`);
    const { data: dag } = await api('GET', `/dags/${enc(run.dagId)}`);
    const task = (dag.definition.tasks || []).find((t) => t.id === taskId) || {};
    const defaults = dag.definition.defaults || {};
    const pool = task.pool ?? defaults.pool ?? 'default_pool';
    const slots = task.poolSlots ?? defaults.poolSlots ?? 1;
    const priority = task.priority ?? defaults.priority ?? 1;
    holder.innerHTML = `Pool <a class="mono" href="#/pools">${esc(pool)}</a>${slots > 1 ? ` (${esc(slots)} slots)` : ''} · priority ${esc(priority)}`;
  } catch {
    holder.textContent = '';
  }
}

new MutationObserver(() => {
  const actions = document.getElementById('task-panel-actions');
  if (actions && !document.getElementById('task-panel-pool') && typeof taskPanel !== 'undefined' && taskPanel) {
    const holder = document.createElement('p');
    holder.id = 'task-panel-pool';
    holder.className = 'muted';
    actions.before(holder);
    fillTaskPool(holder, taskPanel.runId, taskPanel.taskId);
  }
}).observe(document.documentElement, { childList: true, subtree: true });
