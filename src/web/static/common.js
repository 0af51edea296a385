// What every dashboard page shares: JSON fetches, the event stream, notices, run rows, embedding a figure.
// Plain browser JS (tsc copies no other files); run text goes into the page as text, never as HTML.
/* global document, window, fetch, EventSource, vegaEmbed */

/** The page's state that tests (and the curious) can read: views by figure id, when each was last drawn. */
export const page = { views: {}, drawnAt: {}, refreshes: 0 };
window.infoplane = page;

/** An element with attributes and children (strings become text nodes). */
export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== undefined && child !== null) node.append(child);
  return node;
}

/** GET a JSON document; an answer that is not 2xx throws its message. */
export async function getJson(url) {
  const response = await fetch(url, { cache: 'no-store' });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.message ?? `${url}: HTTP ${response.status}`);
  return body;
}

/**
 * Listens to the store's events. `onOpen` runs at every (re)connection — the page fetches what it shows
 * then, so nothing written while disconnected is missed.
 */
export function subscribe({ onOpen, onRuns, onRun }) {
  const source = new EventSource('/api/events');
  source.addEventListener('open', () => onOpen?.());
  if (onRuns) source.addEventListener('runs', (event) => onRuns(JSON.parse(event.data)));
  if (onRun) source.addEventListener('run', (event) => onRun(JSON.parse(event.data)));
  return source;
}

/** Shows notices as banners: warnings (a cut-off line, a failed run) yellow, information grey. */
export function showNotices(notices, container = document.getElementById('notices')) {
  container.replaceChildren(...notices.map((notice) => element('div', { class: `notice notice-${notice.level}`, role: notice.level === 'warning' ? 'alert' : undefined },
    element('span', { class: 'file' }, `${notice.run ? `${notice.run}: ` : ''}${notice.file}${notice.line ? ` line ${notice.line}` : ''}`), ' — ', notice.message)));
}

export function stateBadge(state) {
  return element('span', { class: `state state-${state}` }, state);
}

/** A number for a table cell: 3 significant digits, '—' for none. */
export function formatNumber(value, digits = 3) {
  return typeof value === 'number' && Number.isFinite(value) ? String(Number(value.toPrecision(digits))) : '—';
}

/** A bound pair: one number when both ends agree, `lower–upper` otherwise. */
export function formatBounds(bounds) {
  if (!bounds) return '—';
  const lower = formatNumber(bounds.lower);
  const upper = formatNumber(bounds.upper);
  return lower === upper ? lower : `${lower}–${upper}`;
}

export function runLink(name) {
  return element('a', { href: `/runs/${encodeURIComponent(name)}` }, name);
}

/** The cells every run table shows. */
export function runCells(entry) {
  return {
    state: element('td', {}, stateBadge(entry.state)),
    loggedEpochs: element('td', { class: 'number' }, String(entry.loggedEpochs)),
    lastEpoch: element('td', { class: 'number' }, entry.lastEpoch !== null ? `${entry.lastEpoch}${entry.epochs !== null ? ` / ${entry.epochs}` : ''}` : entry.error ? '—' : 'no logged epoch yet'),
    testAccuracy: element('td', { class: 'number' }, entry.testAccuracy === null ? '—' : `${(100 * entry.testAccuracy).toFixed(1)} %`),
    notices: element('td', {}, entry.warnings > 0 ? `${entry.warnings} warning${entry.warnings > 1 ? 's' : ''}` : ''),
  };
}

const EMBED_OPTIONS = { renderer: 'svg', actions: { export: true, source: false, compiled: false, editor: false } };

/**
 * Draws `spec` into `frame`, replacing what it showed only once the new chart is drawn (no blank flash
 * on live updates). Resolves to the new vega view.
 */
export async function drawChart(frame, id, spec) {
  const incoming = element('div', { class: 'incoming' });
  frame.append(incoming);
  let result;
  try {
    result = await vegaEmbed(incoming, spec, EMBED_OPTIONS);
  } catch (error) {
    incoming.remove();
    throw error;
  }
  for (const old of [...frame.children]) if (old !== incoming) old.remove();
  incoming.classList.remove('incoming');
  page.views[id]?.finalize();
  page.views[id] = result.view;
  page.drawnAt[id] = Date.now();
  return result.view;
}

/** A figure's section: (controls), chart frame, caption (its text set by `showCaption`, as the run grows). */
export function figureSection(figure) {
  const frame = element('div', { class: 'chart-frame' });
  const caption = element('p', { class: 'caption' });
  // The chart draws its own title; the section is named after it for screen readers.
  const section = element('section', { class: 'figure', id: `figure-${figure.id}`, 'data-figure': figure.id, 'aria-label': figure.title }, frame, caption);
  return { section, frame, caption };
}

/**
 * `task` made one-at-a-time: a call while it runs makes it run once more afterwards (bursts of live
 * events give one fetch and one redraw each, never two redraws of a chart at once).
 */
export function coalesced(task) {
  let running = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await task();
      } while (again);
    })().finally(() => { running = null; });
    return running;
  };
}

/** Shows an error where the page's content would be, as a warning banner (never a blank page). */
export function showError(error, container) {
  container.replaceChildren(element('div', { class: 'notice notice-warning', role: 'alert' }, error.message));
}
