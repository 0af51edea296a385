// The run list: one row per run with its state and headline numbers, kept current by the event stream
// (new runs appear, running runs tick on) — no reload.
/* global document, window */
import { element, formatBounds, getJson, page, runCells, runLink, showNotices, subscribe } from './common.js';

const body = document.querySelector('#runs tbody');
const compare = document.getElementById('compare');
const selected = new Set();
let known = null;
document.getElementById('root').textContent = document.body.dataset.root;

function updateCompare() {
  compare.disabled = selected.size < 2;
  compare.textContent = selected.size < 2 ? 'compare selected runs (choose two or more)' : `compare ${selected.size} runs`;
}

compare.addEventListener('click', () => {
  window.location.href = `/compare?runs=${[...selected].map(encodeURIComponent).join(',')}`;
});

function row(entry, isNew) {
  const cells = runCells(entry);
  const box = element('input', {
    type: 'checkbox', 'aria-label': `select ${entry.name}`, checked: selected.has(entry.name), disabled: entry.state === 'unreadable',
    onchange: () => { if (box.checked) selected.add(entry.name); else selected.delete(entry.name); updateCompare(); },
  });
  const headline = entry.headline;
  // An unreadable run has no numbers: its error takes their place.
  const numbers = entry.error
    ? [element('td', { class: 'error', colspan: 7 }, entry.error)]
    : [
      cells.loggedEpochs, cells.lastEpoch, cells.testAccuracy,
      element('td', {}, headline ? `${headline.layer} · ${headline.estimator}${headline.method === 'mean' ? ' · mean' : ''}` : '—'),
      element('td', { class: 'number' }, formatBounds(headline?.ixtBits)),
      element('td', { class: 'number' }, formatBounds(headline?.iytBits)),
      cells.notices,
    ];
  return element('tr', { 'data-run': entry.name, 'data-state': entry.state, class: isNew ? 'new' : undefined },
    element('td', {}, box), element('td', {}, runLink(entry.name)), cells.state, ...numbers);
}

function show(entries) {
  for (const name of [...selected]) if (!entries.some((entry) => entry.name === name)) selected.delete(name);
  body.replaceChildren(...entries.map((entry) => row(entry, known !== null && !known.has(entry.name))));
  known = new Set(entries.map((entry) => entry.name));
  document.getElementById('no-runs').hidden = entries.length > 0;
  updateCompare();
  page.runs = entries.map((entry) => entry.name);
  page.refreshes += 1;
}

async function refresh() {
  try {
    show(await getJson('/api/runs'));
    showNotices([]);
  } catch (error) {
    showNotices([{ level: 'warning', file: 'dashboard', message: `the run list could not be read: ${error.message}` }]);
  }
}

// Sweeps: a row each with its progress, polled (their trials live below the runs directory's own entries).
const sweepBody = document.querySelector('#sweeps tbody');
async function refreshSweeps() {
  try {
    const sweeps = await getJson('/api/sweeps');
    document.getElementById('sweeps').hidden = sweeps.length === 0;
    sweepBody.replaceChildren(...sweeps.map((sweep) => {
      const counts = sweep.counts;
      const progress = counts ? Object.entries(counts).filter(([, n]) => n > 0).map(([state, n]) => `${n} ${state}`).join(', ') : (sweep.error ?? 'cannot be read');
      return element('tr', { 'data-sweep': sweep.name },
        element('td', {}, element('a', { href: `/sweeps/${encodeURIComponent(sweep.name)}` }, sweep.name)),
        element('td', { class: 'number' }, String(sweep.settings)), element('td', { class: 'number' }, String(sweep.trials)),
        element('td', {}, progress));
    }));
    page.sweeps = sweeps.map((sweep) => sweep.name);
  } catch (error) {
    showNotices([{ level: 'warning', file: 'dashboard', message: `the sweep list could not be read: ${error.message}` }]);
  }
  window.setTimeout(refreshSweeps, 2000);
}

subscribe({ onOpen: refresh, onRuns: show });
refreshSweeps();
