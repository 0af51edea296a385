// A sweep's page: each trial's state (polled every 2 s while anything is queued or running) and the
// sweep's averaged figures, redrawn when its files change.
/* global document, window */
import { element, getJson, page, showError, showNotices, stateBadge } from './common.js';
import { FigureBoard } from './figures.js';

const name = document.body.dataset.sweep;
const main = document.getElementById('figures');
const trials = document.querySelector('#trials tbody');
const board = new FigureBoard(element('div'));
document.getElementById('title').textContent = `sweep ${name}`;
document.title = `sweep ${name} · infoplane`;
let signature = null;

function progressText(entry) {
  if (!entry.counts) return entry.error ?? 'cannot be read';
  const parts = Object.entries(entry.counts).filter(([, n]) => n > 0).map(([state, n]) => `${n} ${state}`);
  return `${entry.settings} settings, ${entry.trials} trials: ${parts.join(', ')}`;
}

async function refresh() {
  let view;
  try {
    view = await getJson(`/api/sweeps/${encodeURIComponent(name)}`);
  } catch (error) {
    showError(error, main);
    return;
  }
  document.getElementById('progress').textContent = progressText(view.entry);
  showNotices(view.entry.error ? [{ level: 'warning', file: name, message: view.entry.error }] : []);
  trials.replaceChildren(...view.trials.map((trial) => element('tr', { 'data-trial': trial.id, 'data-state': trial.state },
    element('td', {}, trial.id), element('td', {}, trial.setting), element('td', { class: 'number' }, String(trial.seed)),
    element('td', {}, stateBadge(trial.state)), element('td', { class: 'number' }, `${Math.max(trial.epoch, 0)} / ${trial.epochs}`),
    element('td', { class: 'error' }, trial.error ?? ''))));
  if (view.signature !== signature) {
    signature = view.signature;
    if (view.figures.length === 0) main.replaceChildren(element('p', { class: 'empty', id: 'no-figures' }, 'no finished trial yet: the averaged figures appear when the first trial finishes'));
    else {
      if (main.firstChild !== board.container) main.replaceChildren(board.container);
      await board.show(view.figures);
    }
  }
  page.refreshes += 1;
  page.sweep = view.entry;
  const active = view.entry.counts && (view.entry.counts.running > 0 || view.entry.counts.queued > 0 || view.entry.counts.pending > 0);
  window.setTimeout(refresh, active ? 2000 : 5000);
}

refresh();
