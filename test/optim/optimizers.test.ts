/** Each optimizer's first steps against updates computed by hand / by a plain-number reference. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Module } from '../../src/nn/index.js';
import { Adadelta, Adam, type Optimizer, Rmsprop, Sgd, createOptimizer } from '../../src/optim/index.js';
import { type Tensor, tensor, tidy } from '../../src/tensor/index.js';
import { assertClose } from '../helpers.js';

/** One parameter vector θ with loss ½·Σ cᵢθᵢ², so the gradient is c·θ and changes every step. */
class Quadratic extends Module {
  readonly theta: Tensor;
  constructor(values: number[], readonly curvature: number[]) {
    super('quadratic');
    this.theta = this.registerParameter('theta', tensor(values, undefined, { dtype: 'float64' }));
  }
  backward(): void {
    tidy(() => this.theta.square().mul(tensor(this.curvature, undefined, { dtype: 'float64' })).sum().mul(0.5).backward());
  }
}

const START = [1, -2];
const CURVATURE = [1, 3];

/** Runs `steps` optimizer steps and returns θ after each. */
function run(make: (model: Quadratic) => Optimizer, steps: number): number[][] {
  const model = new Quadratic(START, CURVATURE);
  const optimizer = make(model);
  const trajectory: number[][] = [];
  for (let i = 0; i < steps; i++) {
    model.backward();
    optimizer.step();
    optimizer.zeroGrad();
    trajectory.push(model.theta.toNumbers());
  }
  return trajectory;
}

/** The same steps with plain numbers, from the formulas in Keras' source, one element at a time. */
function reference(update: (theta: number, grad: number, state: Record<string, number>, t: number) => number, steps: number): number[][] {
  const thetas = [...START];
  const states = START.map(() => ({} as Record<string, number>));
  const trajectory: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    for (let i = 0; i < thetas.length; i++) thetas[i] = update(thetas[i]!, CURVATURE[i]! * thetas[i]!, states[i]!, t);
    trajectory.push([...thetas]);
  }
  return trajectory;
}

function assertTrajectory(actual: number[][], expected: number[][]): void {
  actual.forEach((step, i) => assertClose(step, expected[i]!, 1e-12, `step ${i + 1}`));
}

describe('optimizer updates', () => {
  it('SGD: θ − α·g (hand-computed first step), with momentum and Nesterov', () => {
    const [first] = run((m) => new Sgd(m, { learningRate: 0.1 }), 1);
    assertClose(first!, [1 - 0.1 * 1, -2 - 0.1 * (3 * -2)], 1e-15); // [0.9, −1.4]
    assertTrajectory(run((m) => new Sgd(m, { learningRate: 0.1 }), 3), reference((theta, g) => theta - 0.1 * g, 3));
    assertTrajectory(run((m) => new Sgd(m, { learningRate: 0.1, momentum: 0.9 }), 3), reference((theta, g, s) => {
      s['v'] = 0.9 * (s['v'] ?? 0) - 0.1 * g;
      return theta + s['v'];
    }, 3));
    assertTrajectory(run((m) => new Sgd(m, { learningRate: 0.1, momentum: 0.9, nesterov: true }), 3), reference((theta, g, s) => {
      s['v'] = 0.9 * (s['v'] ?? 0) - 0.1 * g;
      return theta + 0.9 * s['v'] - 0.1 * g;
    }, 3));
  });

  it('Adam with Keras defaults (α 0.001, β 0.9/0.999, ε 1e-7): first step moves each θ by about α', () => {
    const [first] = run((m) => new Adam(m), 1);
    // t = 1: m = 0.1g, v = 0.001g², α₁ = 0.001·√0.001/0.1 → step = α₁·0.1g/(√0.001|g| + 1e-7) ≈ 0.001·sign(g)
    const g = [1, -6];
    assertClose(first!, START.map((theta, i) => theta - (0.001 * Math.sqrt(0.001) / 0.1) * (0.1 * g[i]!) / (Math.sqrt(0.001) * Math.abs(g[i]!) + 1e-7)), 1e-15);
    assertTrajectory(run((m) => new Adam(m, { learningRate: 0.01 }), 3), reference((theta, grad, s, t) => {
      s['m'] = 0.9 * (s['m'] ?? 0) + 0.1 * grad;
      s['v'] = 0.999 * (s['v'] ?? 0) + 0.001 * grad * grad;
      const stepSize = (0.01 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
      return theta - (stepSize * s['m']) / (Math.sqrt(s['v']) + 1e-7);
    }, 3));
  });

  it('Adadelta with Keras defaults (α 1, ρ 0.95, ε 1e-7)', () => {
    const [first] = run((m) => new Adadelta(m), 1);
    // θ₀ = 1, g = 1: E[g²] = 0.05, Δ = √1e-7 / √(0.05 + 1e-7) = 0.00141421…
    assertClose([first![0]!], [1 - Math.sqrt(1e-7) / Math.sqrt(0.05 + 1e-7)], 1e-15);
    assert.ok(Math.abs(first![0]! - 0.998585787) < 1e-9);
    assertTrajectory(run((m) => new Adadelta(m), 3), reference((theta, grad, s) => {
      s['a'] = 0.95 * (s['a'] ?? 0) + 0.05 * grad * grad;
      const update = (grad * Math.sqrt((s['d'] ?? 0) + 1e-7)) / Math.sqrt(s['a'] + 1e-7);
      s['d'] = 0.95 * (s['d'] ?? 0) + 0.05 * update * update;
      return theta - 1.0 * update;
    }, 3));
  });

  it('RMSprop with Keras defaults (α 0.001, ρ 0.9, ε 1e-7)', () => {
    const [first] = run((m) => new Rmsprop(m), 1);
    // a = 0.1g² → step = 0.001·g/(√0.1·|g| + 1e-7) ≈ 0.00316 per element
    assertClose(first!, [1 - 0.001 / (Math.sqrt(0.1) + 1e-7), -2 + 0.001 * 6 / (Math.sqrt(0.1) * 6 + 1e-7)], 1e-15);
    assertTrajectory(run((m) => new Rmsprop(m), 3), reference((theta, grad, s) => {
      s['a'] = 0.9 * (s['a'] ?? 0) + 0.1 * grad * grad;
      return theta - (0.001 * grad) / (Math.sqrt(s['a']) + 1e-7);
    }, 3));
  });
});

describe('optimizer specs and state', () => {
  it('createOptimizer fills in Keras defaults', () => {
    const model = new Quadratic(START, CURVATURE);
    const adadelta = createOptimizer({ type: 'adadelta' }, model) as Adadelta;
    assert.deepEqual([adadelta.learningRate, adadelta.rho, adadelta.epsilon], [1.0, 0.95, 1e-7]);
    const adam = createOptimizer({ type: 'adam' }, model) as Adam;
    assert.deepEqual([adam.learningRate, adam.beta1, adam.beta2, adam.epsilon], [0.001, 0.9, 0.999, 1e-7]);
    const sgd = createOptimizer({ type: 'sgd' }, model) as Sgd;
    assert.deepEqual([sgd.learningRate, sgd.momentum, sgd.nesterov], [0.01, 0, false]);
    const rmsprop = createOptimizer({ type: 'rmsprop' }, model) as Rmsprop;
    assert.deepEqual([rmsprop.learningRate, rmsprop.rho, rmsprop.epsilon], [0.001, 0.9, 1e-7]);
    assert.throws(() => createOptimizer({ type: 'adagrad' } as never, model), /type: expected one of "sgd", "adam", "adadelta", "rmsprop"/);
    assert.throws(() => createOptimizer({ type: 'sgd', learningRate: -1 }, model), /learningRate: Number must be greater than 0/);
  });

  it('the learning rate is readable and settable, and validated', () => {
    const optimizer = new Sgd(new Quadratic(START, CURVATURE), { learningRate: 0.5 });
    assert.equal(optimizer.learningRate, 0.5);
    optimizer.learningRate = 0.25;
    assert.equal(optimizer.learningRate, 0.25);
    assert.throws(() => { optimizer.learningRate = 0; }, /Expected a positive learning rate but received 0/);
  });

  it('a step without a gradient says to call backward first', () => {
    assert.throws(() => new Sgd(new Quadratic(START, CURVATURE)).step(), /theta has no gradient; call backward\(\) on the loss first/);
  });

  it('state saved after two steps and loaded into a fresh optimizer continues identically', () => {
    const continuous = run((m) => new Adam(m, { learningRate: 0.1 }), 4);
    const model = new Quadratic(START, CURVATURE);
    const first = new Adam(model, { learningRate: 0.1 });
    for (let i = 0; i < 2; i++) { model.backward(); first.step(); first.zeroGrad(); }
    const second = new Adam(model, { learningRate: 0.1 });
    second.loadStateDict(first.stateDict());
    assert.deepEqual([...first.stateDict().slots.keys()], ['theta.m', 'theta.v']);
    for (let i = 0; i < 2; i++) { model.backward(); second.step(); second.zeroGrad(); }
    assertClose(model.theta.toNumbers(), continuous[3]!, 0);
  });
});
