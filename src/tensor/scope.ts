/**
 * Memory scopes. Every tensor made inside `tidy(fn)` is freed when fn returns, except the tensors fn
 * returns (found in arrays, plain objects and Maps) and those passed to `keep`. Returned tensors move to
 * the enclosing scope, so nested scopes compose. Tensors made outside any scope live until `dispose()`
 * or, as a safety net, until V8 collects them (the native finalizer frees the memory).
 */

/** Marks objects a scope manages. */
export const SCOPED: unique symbol = Symbol('infoplane.scoped');

export interface Scoped {
  readonly [SCOPED]: true;
  dispose(): void;
}

interface Scope {
  readonly members: Scoped[];
}

const stack: Scope[] = [];
const kept = new WeakSet<Scoped>();

/** Called by every new tensor: joins the innermost open scope, if any. */
export function track(item: Scoped): void {
  stack[stack.length - 1]?.members.push(item);
}

/**
 * Exempts a tensor from the scopes it was made in: it lives until disposed (e.g. model parameters
 * created inside a tidy). Returns its argument.
 *
 * @example
 * const weight = tidy(() => keep(randn([3, 3]).mul(0.1)));
 */
export function keep<T extends Scoped>(item: T): T {
  kept.add(item);
  return item;
}

function collectScoped(value: unknown, found: Set<Scoped>, depth: number): void {
  if (value === null || typeof value !== 'object' || depth > 8) return;
  if (SCOPED in value) {
    found.add(value as Scoped);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collectScoped(item, found, depth + 1);
  } else if (value instanceof Map) {
    for (const item of value.values()) collectScoped(item, found, depth + 1);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const item of Object.values(value)) collectScoped(item, found, depth + 1);
  }
}

/**
 * Runs fn and frees every tensor it made except those it returns.
 *
 * @example
 * const loss = tidy(() => model.forward(x).sub(y).square().mean()); // intermediates are freed
 */
export function tidy<T>(fn: () => T): T {
  const scope: Scope = { members: [] };
  stack.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    stack.pop();
    for (const member of scope.members) if (!kept.has(member)) member.dispose();
    throw error;
  }
  stack.pop();
  if (result instanceof Promise) {
    for (const member of scope.members) if (!kept.has(member)) member.dispose();
    throw new TypeError('Expected a synchronous function for tidy but received one returning a Promise');
  }
  const returned = new Set<Scoped>();
  collectScoped(result, returned, 0);
  for (const member of scope.members) {
    if (kept.has(member)) continue;
    if (returned.has(member)) track(member);
    else member.dispose();
  }
  return result;
}

/** Number of open tidy scopes (for tests and diagnostics). */
export function scopeDepth(): number {
  return stack.length;
}
