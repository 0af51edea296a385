/**
 * The run-store format as JSON Schema (draft-07, through zod-to-json-schema), generated from the zod
 * definitions in schemas.ts so that Python (jsonschema) or any other tool validates runs against exactly
 * what infoplane reads. docs/run-store.schema.json is this output; a test keeps the two equal.
 */
import { ignoreOverride, zodToJsonSchema } from 'zod-to-json-schema';
import {
  isMetricDef, metricsLineSchema, reestimateFileSchema, reestimateLineSchema, runConfigFileSchema, runStatusSchema, runSummarySchema,
} from './schemas.js';

/**
 * One JSON Schema document with a definition per file: config.json, status.json, summary.json, one
 * line of metrics.jsonl, and a re-estimation's reestimate.json and estimates.jsonl line. Numbers that may be non-finite appear as number-or-null (JSON has no NaN).
 *
 * @example writeFileSync('run-store.schema.json', JSON.stringify(runStoreJsonSchema(), null, 2))
 */
export function runStoreJsonSchema(): Record<string, unknown> {
  const definitions = {
    'config.json': runConfigFileSchema,
    'status.json': runStatusSchema,
    'summary.json': runSummarySchema,
    'metrics.jsonl line': metricsLineSchema,
    'reestimate.json': reestimateFileSchema,
    'estimates.jsonl line': reestimateLineSchema,
  };
  // Every definition inlined (no $ref): relative references are not understood by most validators.
  const inline = (schema: (typeof definitions)[keyof typeof definitions]): Record<string, unknown> => {
    const { $schema: _draft, ...rest } = zodToJsonSchema(schema, {
      target: 'jsonSchema7',
      $refStrategy: 'none',
      effectStrategy: 'input',
      override: (def) => (isMetricDef(def) ? { type: ['number', 'null'] } : ignoreOverride),
    }) as Record<string, unknown>;
    return rest;
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'infoplane run directory',
    description: 'The files of a run directory written by infoplane run (see docs/run-store.md). Validate config.json against #/definitions/config.json, status.json and summary.json likewise, each line of metrics.jsonl against #/definitions/metrics.jsonl line, and a re-estimation\'s reestimates/ID/reestimate.json and estimates.jsonl lines against their definitions.',
    definitions: Object.fromEntries(Object.entries(definitions).map(([name, schema]) => [name, inline(schema)])),
  };
}
