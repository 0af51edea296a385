/**
 * Schema validation shared by every user-facing spec (model specs, experiment configs): zod schemas, and
 * one error format that names each invalid field by its path and says what is allowed.
 */
import { z } from 'zod';

/** Parses `value` with `schema`, or throws one Error listing every invalid field: `layers[2].units: …`. */
export function parseWithSchema<S extends z.ZodTypeAny>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data as z.output<S>;
  const lines = result.error.issues.map((issue) => `- ${formatPath(issue.path)}: ${describeIssue(issue)}`);
  throw new Error(`Invalid ${what}:\n${lines.join('\n')}`);
}

function formatPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
}

function describeIssue(issue: z.ZodIssue): string {
  switch (issue.code) {
    case 'invalid_enum_value':
      return `expected one of ${issue.options.map((option) => JSON.stringify(option)).join(', ')} but received ${JSON.stringify(issue.received)}`;
    case 'invalid_union_discriminator':
      return `expected one of ${issue.options.map((option) => JSON.stringify(option)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`;
    default:
      return issue.message;
  }
}

/** A positive integer, or a pair of them (kernel sizes, strides). */
export const intOrPair = z.union([z.number().int().positive(), z.tuple([z.number().int().positive(), z.number().int().positive()])]);

export function toPair(value: number | readonly [number, number]): [number, number] {
  return typeof value === 'number' ? [value, value] : [value[0], value[1]];
}
