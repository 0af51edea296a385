/**
 * Argument checks with one message template — `Expected <what> for <name> but received <value>` — run in
 * TS before any native call, so that a wrong call names the argument in terms the caller wrote.
 */

/** Renders a received value briefly for an error message. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    const items = value.slice(0, 6).map(describeValue).join(', ');
    return `[${items}${value.length > 6 ? ', …' : ''}]`;
  }
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as { length: number }).length})`;
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

/** Throws a TypeError in the project's one template. */
export function invalid(what: string, name: string, value: unknown): never {
  throw new TypeError(`Expected ${what} for ${name} but received ${describeValue(value)}`);
}

export function checkInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) invalid('an integer', name, value);
  return value;
}

export function checkNonNegativeInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) invalid('a non-negative integer', name, value);
  return value;
}

export function checkPositiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) invalid('a positive integer', name, value);
  return value;
}

export function checkNumber(value: unknown, name: string): number {
  if (typeof value !== 'number' || Number.isNaN(value)) invalid('a number', name, value);
  return value;
}

export function checkBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') invalid('a boolean', name, value);
  return value;
}

export function checkIntegerList(value: unknown, name: string): readonly number[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'number' && Number.isSafeInteger(item))) {
    invalid('an array of integers', name, value);
  }
  return value as readonly number[];
}

/** A shape: non-negative integers whose product is a safe integer. */
export function checkShape(value: unknown, name = 'shape'): readonly number[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'number' && Number.isSafeInteger(item) && item >= 0)) {
    invalid('an array of non-negative integers', name, value);
  }
  const size = (value as number[]).reduce((product, item) => product * item, 1);
  if (!Number.isSafeInteger(size)) invalid('a shape with fewer than 2^53 elements', name, value);
  return value as readonly number[];
}

/** Dims for a reduction: an integer, a list of integers, or undefined for all dims. */
export function checkDims(value: unknown, name = 'dims'): number | readonly number[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return checkInteger(value, name);
  return checkIntegerList(value, name);
}

/** Normalises an int-or-pair option (kernel size, stride …) to a pair. */
export function checkPair(value: unknown, name: string): [number, number] {
  if (typeof value === 'number') {
    checkInteger(value, name);
    return [value, value];
  }
  const list = checkIntegerList(value, name);
  if (list.length !== 2) invalid('an integer or a pair of integers', name, value);
  return [list[0]!, list[1]!];
}

export function checkOneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    invalid(`one of ${allowed.map((item) => `'${item}'`).join(', ')}`, name, value);
  }
  return value as T;
}
