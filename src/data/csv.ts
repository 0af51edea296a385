/**
 * Numeric CSV (RFC 4180 framing: comma-separated, optional header, quoted cells, CRLF or LF): every cell a
 * finite number, every row the same length. One column may hold the labels.
 */
import { readFileSync } from 'node:fs';

export interface CsvOptions {
  /** true, false, or 'auto' (default): a first row with any non-numeric cell is a header. */
  header?: boolean | 'auto';
  delimiter?: string;
  /** The label column, by index (negative counts from the end) or header name; its values become labels. */
  labelColumn?: number | string;
}

export interface CsvTable {
  /** The non-label cells, row-major. */
  inputs: Float64Array;
  shape: [number, number];
  labels?: Float64Array;
  columnNames?: string[];
}

function splitRow(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        cell += char;
      }
    } else if (char === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (char === delimiter) {
      cells.push(cell);
      cell = '';
    } else {
      cell += char;
    }
  }
  cells.push(cell);
  return cells.map((value) => value.trim());
}

function parseNumber(text: string): number | undefined {
  if (text === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** Parses CSV text; `name` is used in error messages (with 1-based line and column numbers). */
export function parseCsv(text: string, name: string, options: CsvOptions = {}): CsvTable {
  const delimiter = options.delimiter ?? ',';
  const lines = text.split(/\r?\n/).map((line, index) => ({ line, number: index + 1 })).filter(({ line }) => line.trim() !== '');
  if (lines.length === 0) throw new Error(`${name}: the file has no rows`);
  const first = splitRow(lines[0]!.line, delimiter);
  const hasHeader = options.header === 'auto' || options.header === undefined
    ? first.some((cell) => cell !== '' && parseNumber(cell) === undefined && !/^[+-]?(nan|inf(inity)?)$/i.test(cell))
    : options.header;
  const columnNames = hasHeader ? first : undefined;
  const rows = hasHeader ? lines.slice(1) : lines;
  if (rows.length === 0) throw new Error(`${name}: the file has a header but no data rows`);
  const width = first.length;
  let labelIndex: number | undefined;
  if (typeof options.labelColumn === 'string') {
    labelIndex = columnNames?.indexOf(options.labelColumn);
    if (labelIndex === undefined || labelIndex < 0) throw new Error(`${name}: no column named ${JSON.stringify(options.labelColumn)} (columns: ${columnNames?.join(', ') ?? 'the file has no header'})`);
  } else if (typeof options.labelColumn === 'number') {
    labelIndex = options.labelColumn < 0 ? width + options.labelColumn : options.labelColumn;
    if (labelIndex < 0 || labelIndex >= width) throw new Error(`${name}: label column ${options.labelColumn} is outside the ${width} columns`);
  }
  const inputWidth = labelIndex === undefined ? width : width - 1;
  const inputs = new Float64Array(rows.length * inputWidth);
  const labels = labelIndex === undefined ? undefined : new Float64Array(rows.length);
  rows.forEach(({ line, number }, row) => {
    const cells = splitRow(line, delimiter);
    if (cells.length !== width) throw new Error(`${name}: line ${number} has ${cells.length} columns but the first row has ${width}`);
    let column = 0;
    cells.forEach((cell, index) => {
      const value = parseNumber(cell);
      if (value === undefined || !Number.isFinite(value)) {
        throw new Error(`${name}: line ${number}, column ${index + 1}: ${cell === '' ? 'empty cell' : `${JSON.stringify(cell)} is not a finite number`}`);
      }
      if (index === labelIndex) labels![row] = value;
      else inputs[row * inputWidth + column++] = value;
    });
  });
  return { inputs, shape: [rows.length, inputWidth], ...(labels ? { labels } : {}), ...(columnNames ? { columnNames } : {}) };
}

/**
 * Reads a numeric CSV file.
 *
 * @example const { inputs, shape, labels } = readCsv('data.csv', { labelColumn: 'label' });
 */
export function readCsv(file: string, options: CsvOptions = {}): CsvTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseCsv(text, file, options);
}
