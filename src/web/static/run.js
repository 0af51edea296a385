// The run page: header, notices, the interactive information plane and the run's other figures, redrawn
// when the store says the run changed.
/* global document */
import { coalesced, element, getJson, page, showError, showNotices, stateBadge, subscribe } from './common.js';
import { FigureBoard } from './figures.js';

const name = document.body.dataset.run;
const main = document.getElementById('figures');
const board = new FigureBoard(element('div'));
document.getElementById('title').textContent = name;
document.title = `${name} · infoplane`;

function showHeader(entry) {
  document.getElementById('state').replaceChildren(stateBadge(entry.state));
  document.getElementById('progress').textContent = entry.error ? 'this run cannot be read' : entry.lastEpoch === null
    ? 'no logged epoch yet'
    : `${entry.loggedEpochs} logged epoch${entry.loggedEpochs === 1 ? '' : 's'}, last ${entry.lastEpoch}${entry.epochs !== null ? ` of ${entry.epochs}` : ''}`
      + (entry.testAccuracy !== null ? ` · test accuracy ${(100 * entry.testAccuracy).toFixed(1)} %` : '');
}

const refresh = coalesced(async () => {
  let view;
  try {
    view = await getJson(`/api/runs/${encodeURIComponent(name)}/figures`);
  } catch (error) {
    showError(error, main);
    return;
  }
  showHeader(view.entry);
  showNotices(view.notices);
  if (view.entry.loggedEpochs === 0) {
    main.replaceChildren(element('p', { class: 'empty', id: 'no-epochs' }, view.entry.error ? 'this run cannot be read (see above)' : 'no logged epoch yet: the figures appear as soon as the run logs its first epoch'));
  } else if (view.figures.length === 0) {
    main.replaceChildren(element('p', { class: 'empty' }, 'no figure to draw for this run'));
  } else {
    if (main.firstChild !== board.container) main.replaceChildren(board.container);
    await board.show(view.figures);
  }
  page.refreshes += 1;
  page.loggedEpochs = view.entry.loggedEpochs;
});

subscribe({ onOpen: refresh, onRun: (event) => { if (event.name === name) refresh(); } });
