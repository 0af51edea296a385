// The figures of a page, kept up to date: each figure is redrawn only when its spec changed, and the
// information plane gets its controls — epoch slider, play/pause, "this epoch only", layer / estimator /
// run switches — which drive the params that src/web/interactive-plane.ts added to the report's spec.
/* global window, structuredClone */
import { drawChart, element, figureSection, page } from './common.js';

/** Milliseconds per epoch while playing. */
const PLAY_STEP_MS = 450;

const TOGGLE_LABELS = { layer: 'layers', cell: 'panels', panel: 'panels', run: 'runs' };

/** The spec with its params' initial values set from the page's state (drawn right the first time). */
function withParamValues(spec, values) {
  const copy = structuredClone(spec);
  copy.params = (copy.params ?? []).map((param) => (param.name in values ? { ...param, value: values[param.name] } : param));
  return copy;
}

/** A plane with its controls. The chosen epoch survives live updates; at the last stop it follows new epochs. */
class InteractivePlane {
  constructor(figure) {
    this.id = figure.id;
    this.epoch = null;
    this.only = false;
    this.hidden = {};
    this.timer = null;
    Object.assign(this, figureSection(figure));
    this.controls = element('div', { class: 'controls', role: 'group', 'aria-label': 'information plane controls' });
    this.frame.before(this.controls);
  }

  get view() {
    return page.views[this.id];
  }

  get epochs() {
    return this.figure.controls.epochs;
  }

  paramValues() {
    const { controls } = this.figure;
    const values = { [controls.epochParam]: this.epoch ?? 0, [controls.onlyParam]: this.only };
    for (const toggle of controls.toggles) values[toggle.param] = [...(this.hidden[toggle.param] ?? [])];
    return values;
  }

  /** New data (a live update) or the first: rebuild the controls, keep the choices, redraw. */
  async update(figure) {
    const following = this.epoch === null || this.epoch === this.figure?.controls.epochs.at(-1);
    this.figure = figure;
    this.caption.textContent = figure.caption;
    const { epochs } = figure.controls;
    if (following || !epochs.includes(this.epoch)) this.epoch = epochs.at(-1) ?? null;
    this.buildControls();
    await drawChart(this.frame, this.id, withParamValues(figure.spec, this.paramValues()));
  }

  buildControls() {
    const { epochs, toggles } = this.figure.controls;
    const index = Math.max(0, epochs.indexOf(this.epoch));
    this.output = element('output', { 'aria-live': 'off' });
    this.slider = element('input', {
      type: 'range', min: 0, max: Math.max(0, epochs.length - 1), step: 1, value: index, 'aria-label': 'epoch', disabled: epochs.length < 2,
      oninput: () => { this.pause(); this.showEpoch(epochs[Number(this.slider.value)]); },
    });
    this.playButton = element('button', { type: 'button', class: 'play', disabled: epochs.length < 2, onclick: () => (this.timer ? this.pause() : this.play()) }, this.timer ? '❚❚ pause' : '▶ play');
    const only = element('input', { type: 'checkbox', checked: this.only, onchange: () => { this.only = only.checked; this.setParams(); } });
    const switches = toggles.map((toggle) => element('fieldset', {},
      element('legend', {}, TOGGLE_LABELS[toggle.field] ?? toggle.field),
      toggle.values.map((value) => {
        const box = element('input', {
          type: 'checkbox', checked: !(this.hidden[toggle.param]?.has(value)), 'data-toggle': toggle.field, value,
          onchange: () => {
            const hidden = (this.hidden[toggle.param] ??= new Set());
            if (box.checked) hidden.delete(value); else hidden.add(value);
            this.setParams();
          },
        });
        return element('label', {}, box, ` ${value}`);
      })));
    this.controls.replaceChildren(
      this.playButton,
      element('label', {}, 'epoch ', this.slider, ' ', this.output),
      element('label', {}, only, ' this epoch only'),
      ...switches,
    );
    this.showOutput();
  }

  showOutput() {
    const { epochs } = this.figure.controls;
    this.output.value = epochs.length === 0 ? 'none' : `${this.epoch} of ${epochs[0]}…${epochs.at(-1)}`;
  }

  showEpoch(epoch) {
    this.epoch = epoch;
    this.slider.value = String(this.epochs.indexOf(epoch));
    this.showOutput();
    this.setParams();
  }

  /** Pushes the controls' values into the drawn view. */
  setParams() {
    const view = this.view;
    if (!view) return;
    for (const [name, value] of Object.entries(this.paramValues())) view.signal(name, value);
    view.runAsync().then(() => { page.drawnAt[this.id] = Date.now(); });
  }

  play() {
    const { epochs } = this;
    if (epochs.length < 2) return;
    if (this.epoch === epochs.at(-1)) this.showEpoch(epochs[0]);
    this.playButton.textContent = '❚❚ pause';
    this.timer = window.setInterval(() => {
      const next = Math.min(epochs.indexOf(this.epoch) + 1, epochs.length - 1);
      this.showEpoch(epochs[next]);
      if (next === epochs.length - 1) this.pause();
    }, PLAY_STEP_MS);
  }

  pause() {
    window.clearInterval(this.timer);
    this.timer = null;
    if (this.playButton) this.playButton.textContent = '▶ play';
  }
}

/** A figure without controls. */
class StaticFigure {
  constructor(figure) {
    this.id = figure.id;
    Object.assign(this, figureSection(figure));
  }

  async update(figure) {
    this.caption.textContent = figure.caption;
    await drawChart(this.frame, this.id, figure.spec);
  }
}

/** The figures shown in `container`, in the order given; unchanged specs are not redrawn. */
export class FigureBoard {
  constructor(container) {
    this.container = container;
    this.shown = new Map();
  }

  async show(figures) {
    const changed = [];
    for (const figure of figures) {
      let shown = this.shown.get(figure.id);
      if (!shown) {
        shown = { item: figure.controls ? new InteractivePlane(figure) : new StaticFigure(figure), json: '' };
        this.shown.set(figure.id, shown);
      }
      const json = JSON.stringify(figure);
      if (json !== shown.json) changed.push({ shown, figure, json });
    }
    for (const [id, shown] of this.shown) if (!figures.some((figure) => figure.id === id)) { shown.item.pause?.(); this.shown.delete(id); }
    this.container.replaceChildren(...figures.map((figure) => this.shown.get(figure.id).item.section));
    const draw = ({ shown, figure, json }) => {
      shown.json = json;
      return shown.item.update(figure).catch((error) => {
        shown.item.frame.replaceChildren(element('p', { class: 'notice notice-warning' }, `this figure could not be drawn: ${error.message}`));
      });
    };
    // The planes first: a live epoch reaches the figure people watch before the others are redrawn.
    await Promise.all(changed.filter(({ figure }) => figure.controls).map(draw));
    await Promise.all(changed.filter(({ figure }) => !figure.controls).map(draw));
  }
}
