/**
 * What a logged epoch records about each layer: information estimates under each estimator and conv
 * method, class clustering, gradient statistics, weight norms, an activation histogram and the KDE time derivative; and
 * about the whole network: the loss dynamics.
 */
import type { GradientSummary } from '../dynamics/index.js';
import type { KdeDerivative } from '../dynamics/kde-derivative.js';
import {
  type Bounded, type ConvMethod, type MethodEstimate, classClustering, createEstimator, estimateLayer, needsInputs,
} from '../info/index.js';
import type { Layer } from '../nn/index.js';
import { type Tensor, keep, tidy } from '../tensor/index.js';
import type { ClusteringRecord, EstimateRecord, LayerRecord } from '../store/index.js';
import type { ExperimentConfig } from './config.js';
import type { ProbeSet } from './data.js';
import { histogram } from './probe.js';

/**
 * An estimate as the run store records it: the numbers, the parameters and, under the mean method, each
 * channel's upper bounds.
 *
 * @example estimateRecord('kde', estimateLayer(kdeEstimator(), data, 'mean')).perChannel // [{ ixt, iyt }, …]
 */
export function estimateRecord(estimator: string, estimate: MethodEstimate): EstimateRecord {
  return {
    estimator,
    method: estimate.method,
    ixt: estimate.ixt,
    iyt: estimate.iyt,
    ht: estimate.ht,
    parameters: estimate.parameters,
    ...(estimate.perChannel ? { perChannel: estimate.perChannel.map((c) => ({ ixt: c.ixt.upper, iyt: c.iyt.upper })) } : {}),
  };
}

/** Every configured estimate of one layer's probe activations. */
export function layerEstimates(config: ExperimentConfig, activations: Tensor, probe: ProbeSet, numClasses: number, isOutput: boolean): EstimateRecord[] {
  const records: EstimateRecord[] = [];
  const methods: ConvMethod[] = activations.ndim > 2 ? config.convMethods : ['concat'];
  for (const spec of config.estimators) {
    // The softmax estimator reads an output layer as p(ŷ|x); it has no meaning for hidden layers.
    if (spec.name === 'softmax' && !isOutput) continue;
    const estimator = createEstimator(spec);
    for (const method of methods) {
      const estimate = estimateLayer(estimator, {
        activations, labels: probe.labels, numClasses, inputIds: probe.inputIds, ...(needsInputs(spec.name) ? { inputs: probe.inputs } : {}),
      }, method);
      records.push(estimateRecord(spec.name, estimate));
    }
  }
  return records;
}

/** The layer's class clustering on the first `config.clustering.samples` probe samples, or null when that is 0. */
export function layerClustering(config: ExperimentConfig, activations: Tensor, probe: ProbeSet, numClasses: number): ClusteringRecord | null {
  const { samples } = config.clustering;
  return samples === 0 ? null : classClustering(activations, probe.labels, numClasses, { samples });
}

/** Frobenius norms of a layer's parameters by local name. */
export function weightNorms(layer: Layer): Record<string, number> {
  return Object.fromEntries(layer.namedParameters().map(([name, value]) => [name, tidy(() => value.to('float64').norm().item())]));
}

/** The layer's entries of a per-parameter gradient summary (`dense_1.kernel` → `kernel`). */
export function layerGradients(layer: Layer, summary: ReadonlyMap<string, GradientSummary> | undefined): Record<string, GradientSummary> | null {
  if (!summary) return null;
  const entries = [...summary].filter(([name]) => name.startsWith(`${layer.name}.`)).map(([name, value]) => [name.slice(layer.name.length + 1), value] as const);
  return entries.length === 0 ? null : Object.fromEntries(entries);
}

/** The first KDE estimate's I(X;T) bounds (the upper one is the paper's f(1)), or undefined without a KDE estimator. */
export function kdeInformation(estimates: readonly EstimateRecord[]): Bounded | undefined {
  return estimates.find((e) => e.estimator === 'kde' && e.method === 'concat')?.ixt;
}

/** The first rows of a layer's probe activations (a kept copy), for the KDE derivative. */
export function derivativeSample(activations: Tensor, samples: number): Tensor {
  return tidy(() => keep(activations.narrow(0, 0, Math.min(samples, activations.size(0))).reshape([Math.min(samples, activations.size(0)), -1]).contiguous().clone()));
}

export function layerRecord(
  layer: Layer,
  shape: readonly number[],
  estimates: EstimateRecord[],
  activations: Tensor,
  options: { gradients: ReadonlyMap<string, GradientSummary> | undefined; histogramBins: number; derivative: KdeDerivative | null; clustering: ClusteringRecord | null },
): LayerRecord {
  return {
    name: layer.name,
    type: layer.type,
    activation: 'activation' in layer ? String((layer as { activation: string }).activation) : null,
    shape: [...shape],
    estimates,
    gradient: layerGradients(layer, options.gradients),
    weightNorm: weightNorms(layer),
    histogram: histogram(activations, options.histogramBins),
    kdeDerivative: options.derivative,
    clustering: options.clustering,
  };
}

