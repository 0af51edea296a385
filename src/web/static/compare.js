// The compare page: the runs' rows and notices, and the figures overlaying them, redrawn when any changes.
/* global document */
import { coalesced, element, getJson, page, runCells, runLink, showError, showNotices, subscribe } from './common.js';
import { FigureBoard } from './figures.js';

const names = document.body.dataset.runs.split(',');
const container = document.getElementById('figures');
const board = new FigureBoard(element('div'));
document.getElementById('names').textContent = names.join(' · ');

const refresh = coalesced(async () => {
  let view;
  try {
    view = await getJson(`/api/compare?runs=${names.map(encodeURIComponent).join(',')}`);
  } catch (error) {
    showError(error, container);
    return;
  }
  document.querySelector('#runs tbody').replaceChildren(...view.runs.map(({ entry }) => {
    const cells = runCells(entry);
    const numbers = entry.error ? [element('td', { class: 'error', colspan: 4 }, entry.error)] : [cells.loggedEpochs, cells.lastEpoch, cells.testAccuracy, cells.notices];
    return element('tr', { 'data-run': entry.name }, element('td', {}, runLink(entry.name)), cells.state, ...numbers);
  }));
  showNotices([...view.runs.flatMap(({ entry, notices }) => notices.map((notice) => ({ ...notice, run: entry.name }))), ...view.notices]);
  if (view.figures.length === 0) container.replaceChildren(element('p', { class: 'empty' }, 'no figure to compare yet'));
  else {
    if (container.firstChild !== board.container) container.replaceChildren(board.container);
    await board.show(view.figures);
  }
  page.refreshes += 1;
});

subscribe({ onOpen: refresh, onRun: (event) => { if (names.includes(event.name)) refresh(); } });
