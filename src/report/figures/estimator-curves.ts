/**
 * The estimator's own curves, for `infoplane calibrate --plot` and `infoplane convergence --plot`: the KDE
 * I(Y;T) bounds against σ² with the H(Y) target and the chosen σ² (the paper's §3.1.2 calibration), and
 * the estimates against the number of probe samples with the size from which they are stable.
 */
import type { Calibration, Convergence } from '../../info/index.js';
import { FIGURE_CONFIG, type Figure } from '../figure.js';

/** I(Y;T)'s KDE bounds on a log σ² axis, H(Y) dashed, the matching σ² marked and the chosen one ruled. */
export function calibrationFigure(calibration: Calibration, name = 'calibration'): Figure {
  const rows = calibration.points.flatMap((point) => [
    { noiseVariance: point.noiseVariance, bound: 'upper', bits: point.iyt.upper, matches: point.matches },
    { noiseVariance: point.noiseVariance, bound: 'lower', bits: point.iyt.lower, matches: point.matches },
  ]);
  const chosen = calibration.noiseVariance;
  return {
    id: 'calibration',
    title: `KDE σ² calibration — ${name}`,
    caption: `The KDE bounds on I(Y;T) against the noise variance σ² (log axis); dashed: H(Y) = ${calibration.labelEntropy.toFixed(3)} bits. A σ² matches (opaque points; faint ones do not) when its ${calibration.criterion} estimate is within the bound gap of H(Y); ${chosen === undefined ? 'none on the grid matches' : `the chosen σ² (the largest matching) is ${chosen.toPrecision(4)}`}.`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: { text: `KDE σ² calibration — ${name}`, subtitle: `criterion: ${calibration.criterion}${chosen === undefined ? '; no σ² matches' : `; chosen σ² = ${chosen.toPrecision(4)}`}` },
      config: FIGURE_CONFIG,
      width: 520,
      height: 320,
      layer: [
        {
          data: { values: rows },
          mark: { type: 'line', point: { filled: true, size: 50 } },
          encoding: {
            x: { field: 'noiseVariance', type: 'quantitative', scale: { type: 'log' }, title: 'σ² (noise variance)' },
            y: { field: 'bits', type: 'quantitative', title: 'I(Y;T) (bits)' },
            color: { field: 'bound', type: 'nominal', title: 'KDE bound', scale: { domain: ['upper', 'lower'], range: ['#1f77b4', '#ff7f0e'] } },
            opacity: { condition: { test: 'datum.matches', value: 1 }, value: 0.3 },
            tooltip: [{ field: 'noiseVariance', title: 'σ²', format: '.4g' }, { field: 'bound' }, { field: 'bits', format: '.4f' }, { field: 'matches' }],
          },
        },
        {
          data: { values: [{ bits: calibration.labelEntropy }] },
          mark: { type: 'rule', strokeDash: [6, 4], color: '#444' },
          encoding: { y: { field: 'bits', type: 'quantitative' } },
        },
        ...(chosen === undefined ? [] : [{
          data: { values: [{ noiseVariance: chosen }] },
          mark: { type: 'rule' as const, color: '#2ca02c', strokeWidth: 2 },
          encoding: { x: { field: 'noiseVariance', type: 'quantitative' as const } },
        }]),
      ],
    },
  };
}

/** I(X;T) and I(Y;T) (both bounds) against the probe size (log axis), the stable size ruled. */
export function convergenceFigure(result: Convergence, name = 'convergence'): Figure {
  const rows = result.points.flatMap((point) => (['ixt', 'iyt'] as const).flatMap((quantity) => [
    { samples: point.samples, quantity: quantity === 'ixt' ? 'I(X;T)' : 'I(Y;T)', bound: 'upper', bits: point.estimate[quantity].upper },
    { samples: point.samples, quantity: quantity === 'ixt' ? 'I(X;T)' : 'I(Y;T)', bound: 'lower', bits: point.estimate[quantity].lower },
  ])).filter((row) => Number.isFinite(row.bits));
  const stable = result.stableFrom;
  return {
    id: 'convergence',
    title: `Sample-size convergence — ${name}`,
    caption: `The estimates against the number of probe samples (log axis), each bound a line; ${stable === undefined ? 'no size is' : `from N = ${stable} (green) the estimates are`} within ${result.tolerance} bits of the largest size's.`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: { text: `Sample-size convergence — ${name}`, subtitle: stable === undefined ? `not stable within ${result.tolerance} bits` : `stable within ${result.tolerance} bits from N = ${stable}` },
      config: FIGURE_CONFIG,
      data: { values: rows },
      facet: { column: { field: 'quantity', type: 'nominal', title: null } },
      resolve: { scale: { y: 'independent' } },
      spec: {
        width: 320,
        height: 260,
        layer: [
          {
            mark: { type: 'line', point: true },
            encoding: {
              x: { field: 'samples', type: 'quantitative', scale: { type: 'log', nice: false }, title: 'probe samples N' },
              y: { field: 'bits', type: 'quantitative', title: 'bits' },
              strokeDash: { field: 'bound', type: 'nominal', title: 'bound' },
              tooltip: [{ field: 'samples' }, { field: 'bound' }, { field: 'bits', format: '.4f' }],
            },
          },
          ...(stable === undefined ? [] : [{
            // One row per panel, so the rule is drawn once in each.
            transform: [{ aggregate: [{ op: 'count' as const, as: 'rows' }] }],
            mark: { type: 'rule' as const, color: '#2ca02c', strokeWidth: 2 },
            encoding: { x: { datum: stable, type: 'quantitative' as const } },
          }]),
        ],
      },
    },
  };
}
