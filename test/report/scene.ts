/**
 * Reading a figure back from its rendered scene, for the figure tests: the marks by name, a panel's or a
 * facet cell's origin, a scale, a tolerance check, a figure of a list by id.
 */
import assert from 'node:assert/strict';
import type * as vega from 'vega';
import type { Figure } from '../../src/report/figure.js';
import { type SceneMark, headlessView, sceneMarks } from '../../src/report/render.js';

export type Item = SceneMark['items'][number];

export interface Scene {
  view: vega.View;
  marks: SceneMark[];
}

/** The figure of that id among some figures, or a failure listing the ids there are. */
export function figureById(figures: readonly Figure[], id: string): Figure {
  const found = figures.find((f) => f.id === id);
  assert.ok(found, `no figure ${id} among ${figures.map((f) => f.id).join(', ')}`);
  return found;
}

/** The figure rendered headless, with its scene's marks. */
export async function scene(f: Figure): Promise<Scene> {
  const view = await headlessView(f.spec);
  return { view, marks: sceneMarks(view) };
}

/** The items of every mark of that name (a line's series are marks of one name). */
export const items = (s: Scene, name: string): Item[] => s.marks.filter((mark) => mark.name === name).flatMap((mark) => mark.items);

/** The absolute origin of a panel: its group's position. */
export function origin(s: Scene, panel: string): { x: number; y: number } {
  const group = items(s, `${panel}_group`)[0];
  assert.ok(group, `no group ${panel}_group`);
  return { x: group.x ?? 0, y: group.y ?? 0 };
}

export const scale = (s: Scene, name: string) => s.view.scale(name) as unknown as (value: unknown) => number;

/** Asserts a value within a relative and absolute tolerance. */
export const near = (actual: number | undefined, expected: number, message: string, tolerance = 1e-6): void =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= tolerance * (1 + Math.abs(expected)), `${message}: ${actual} ≠ ${expected}`);

/** The items of the data marks named `name` (Vega-Lite appends `_marks` to a layer's name). */
export const dataItems = (marks: SceneMark[], name: string): Item[] => marks.filter((mark) => mark.role === 'mark' && mark.name === `${name}_marks`).flatMap((mark) => mark.items);

/** Each facet cell's origin, by its title: the group items of the cell marks carry the facet value. */
export function cellOrigins(marks: SceneMark[], cellMark: string): Map<string, { x: number; y: number }> {
  const origins = new Map<string, { x: number; y: number }>();
  for (const mark of marks.filter((candidate) => candidate.name === cellMark)) {
    for (const item of mark.items) origins.set(String(item.datum!['cell']), { x: item.x ?? 0, y: item.y ?? 0 });
  }
  return origins;
}
