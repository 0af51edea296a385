/**
 * The dashboard's interactive information plane: the report's own plane spec with Vega-Lite params that
 * the page drives — the epoch shown (a slider, play/pause), whether earlier epochs stay drawn as a trail,
 * and the layers, panels and runs switched off — and a filter on every mark that reads them. The figure
 * itself is untouched (src/report/figures/plane.ts); marks whose data has no epoch or layer (the H(X),
 * H(Y) bound lines) are never filtered, so the axes keep their extent while the curve moves.
 */
import type { TopLevelSpec } from 'vega-lite';

/** A set of values the page can switch on and off, by the field of the figure's rows that holds them. */
export interface PlaneToggle {
  field: string;
  /** The Vega-Lite param holding the values switched off (an array). */
  param: string;
  values: (string | number)[];
}

/** What the page needs to drive an interactive plane. */
export interface PlaneControls {
  /** The logged epochs the figure draws, ascending: the slider's stops. */
  epochs: number[];
  /** The param holding the epoch shown. */
  epochParam: string;
  /** The param that, when true, draws the chosen epoch only (otherwise every epoch up to it). */
  onlyParam: string;
  toggles: PlaneToggle[];
}

/**
 * The fields of the plane's rows (src/report/figures/information-plane.ts, plane-data.ts) the controls
 * act on. Panels are switched by `cell`, the facet field, which the H(X)/H(Y) bound rows carry too: a
 * panel switched off goes away whole. A spec without cells has its panels switched by `panel`.
 */
const EPOCH_FIELD = 'epoch';
const TOGGLE_FIELDS = [['layer'], ['cell', 'panel'], ['run']] as const;
const COLOUR_CHANNELS = ['color', 'fill', 'stroke'] as const;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every inline row of the spec: `data.values` anywhere in it and the top-level `datasets`. */
function inlineRows(spec: Json): Json[] {
  const rows: Json[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (isObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'values' && Array.isArray(value)) rows.push(...value.filter(isObject));
        else if (key === 'datasets' && isObject(value)) Object.values(value).forEach((values) => Array.isArray(values) && rows.push(...values.filter(isObject)));
        else visit(value);
      }
    }
  };
  visit(spec);
  return rows;
}

function distinct(rows: readonly Json[], field: string): (string | number)[] {
  const values = new Set<string | number>();
  for (const row of rows) {
    const value = row[field];
    if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) values.add(value);
  }
  return [...values];
}

/** Applies `change` to every view of a composed spec: units (with a mark), layers, concats, facets' inner specs. */
function eachView(node: Json, change: (view: Json) => void): void {
  change(node);
  for (const key of ['layer', 'concat', 'hconcat', 'vconcat'] as const) {
    const children = node[key];
    if (Array.isArray(children)) children.filter(isObject).forEach((child) => eachView(child, change));
  }
  if (isObject(node['spec'])) eachView(node['spec'], change);
}

/** Keeps an epoch colour scale on all logged epochs, so a colour means the same epoch at every slider stop. */
function fixEpochColour(view: Json, epochs: readonly number[]): void {
  const encoding = view['encoding'];
  if (!isObject(encoding) || epochs.length === 0) return;
  for (const channel of COLOUR_CHANNELS) {
    const colour = encoding[channel];
    if (!isObject(colour) || colour['field'] !== EPOCH_FIELD) continue;
    const scale = isObject(colour['scale']) ? colour['scale'] : {};
    if (scale['domain'] === undefined) colour['scale'] = { ...scale, domain: [epochs[0], epochs.at(-1)] };
  }
}

/**
 * The plane spec made interactive, with the controls the page shows; the spec is copied, not changed.
 * The page sets the params before embedding and through `view.signal(name, value)` afterwards.
 *
 * @example
 * const { spec, controls } = interactivePlane(figure.spec);
 * // controls.epochs → [0, 1, 2, …]; controls.toggles[0] → { field: 'layer', param: 'hiddenLayer', values: ['dense_1', …] }
 */
export function interactivePlane(planeSpec: TopLevelSpec): { spec: TopLevelSpec; controls: PlaneControls } {
  const spec = structuredClone(planeSpec) as unknown as Json;
  const rows = inlineRows(spec);
  const epochs = (distinct(rows, EPOCH_FIELD) as number[]).sort((a, b) => a - b);
  const toggles: PlaneToggle[] = TOGGLE_FIELDS
    .map((candidates) => candidates.find((field) => rows.some((row) => field in row)))
    .filter((field) => field !== undefined)
    .map((field) => ({ field, param: `hidden${field[0]!.toUpperCase()}${field.slice(1)}`, values: distinct(rows, field) }))
    .filter((toggle) => toggle.values.length > 1);
  const controls: PlaneControls = { epochs, epochParam: 'epochShown', onlyParam: 'epochOnly', toggles };

  const conditions = [
    `(!isValid(datum.${EPOCH_FIELD}) || (${controls.onlyParam} ? datum.${EPOCH_FIELD} === ${controls.epochParam} : datum.${EPOCH_FIELD} <= ${controls.epochParam}))`,
    ...toggles.map((toggle) => `(!isValid(datum.${toggle.field}) || indexof(${toggle.param}, datum.${toggle.field}) < 0)`),
  ];
  const filter = { filter: conditions.join(' && ') };
  eachView(spec, (view) => {
    if ('mark' in view) view['transform'] = [filter, ...(Array.isArray(view['transform']) ? view['transform'] : [])];
    fixEpochColour(view, epochs);
  });
  const params = [
    { name: controls.epochParam, value: epochs.at(-1) ?? 0 },
    { name: controls.onlyParam, value: false },
    ...toggles.map((toggle) => ({ name: toggle.param, value: [] as (string | number)[] })),
  ];
  spec['params'] = [...(Array.isArray(spec['params']) ? spec['params'] : []), ...params];
  return { spec: spec as unknown as TopLevelSpec, controls };
}
