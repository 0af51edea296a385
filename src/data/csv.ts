/**
 * Numeric CSV with RFC 4180 framing (comma-separated, an optional header row, cells optionally in double
 * quotes with "" for a quote, CRLF or LF line ends): every cell a finite number, every row the same length.
 * One column may hold the labels. Blank lines are skipped; line numbers in errors count them.
 */
import { checkInteger, invalid } from '../tensor/validate.js';
import { readFileBytes } from './bytes.js';

export interface CsvOptions {
  /** true, false, or 'auto' (the default): a first row with any cell that is not a number is a header. */
  header?: boolean | 'auto';
  /** One character other than a quote or a line break (default ','). */
  delimiter?: string;
  /** The label column, by index (negative counts from the end) or by header name. */
  labelColumn?: number | string;
}

export interface CsvTable {
  /** The cells of every column but the label column, row-major. */
  inputs: Float64Array;
  /** [rows, input columns]. */
  shape: [number, number];
  /** The label column: Int32Array when every label is an integer in int32 range, else Float64Array. */
  labels?: Int32Array | Float64Array;
  /** With a header: the names of the input columns, in the order of `inputs`. */
  columnNames?: string[];
  /** With a header and a label column: its name. */
  labelName?: string;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** Spellings of non-finite numbers: not header names, but not allowed as data either. */
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

/**
 * A line's cells, trimmed; quoted cells lose their quotes. Errors are problems without the file and line,
 * which the caller adds.
 */
function splitLine(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let position = 0;
  for (;;) {
    while (line[position] === ' ' || line[position] === '\t') position++;
    let cell: string;
    if (line[position] === '"') {
      cell = '';
      position++;
      for (;;) {
        const quote = line.indexOf('"', position);
        if (quote < 0) throw new Error(`column ${cells.length + 1}: unterminated quote (a quoted cell must end with " on the same line)`);
        cell += line.slice(position, quote);
        position = quote + 1;
        if (line[position] !== '"') break;
        cell += '"';
        position++;
      }
      while (line[position] === ' ' || line[position] === '\t') position++;
      if (position < line.length && line[position] !== delimiter) {
        throw new Error(`column ${cells.length + 1}: text after the closing quote (${JSON.stringify(line.slice(position, position + 10))})`);
      }
    } else {
      const end = line.indexOf(delimiter, position);
      cell = line.slice(position, end < 0 ? line.length : end);
      position = end < 0 ? line.length : end;
    }
    cells.push(cell.trim());
    if (position >= line.length) return cells;
    position++; // past the delimiter
  }
}

function checkOptions(options: CsvOptions): { header: boolean | 'auto'; delimiter: string } {
  const header = options.header ?? 'auto';
  if (header !== 'auto' && typeof header !== 'boolean') invalid("true, false or 'auto'", 'options.header', header);
  const delimiter = options.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || '"\r\n'.includes(delimiter)) {
    invalid('one character other than a quote or a line break', 'options.delimiter', delimiter);
  }
  const label = options.labelColumn;
  if (label !== undefined && typeof label !== 'string') checkInteger(label, 'options.labelColumn');
  return { header, delimiter };
}

/** The 0-based index of the label column, or undefined when there is none. */
function labelIndexOf(label: number | string | undefined, names: string[] | undefined, width: number, name: string): number | undefined {
  if (label === undefined) return undefined;
  if (typeof label === 'string') {
    if (!names) throw new Error(`${name}: labelColumn ${JSON.stringify(label)} names a column but the file has no header row; pass the column's index instead`);
    const index = names.indexOf(label);
    if (index < 0) throw new Error(`${name}: no column named ${JSON.stringify(label)} (columns: ${names.join(', ')})`);
    return index;
  }
  const index = label < 0 ? width + label : label;
  if (index < 0 || index >= width) throw new Error(`${name}: labelColumn ${label} is outside the ${width} columns (use 0…${width - 1}, or −1 for the last)`);
  return index;
}

/**
 * Parses numeric CSV text; `name` starts every error message, which gives 1-based line and column numbers.
 *
 * @example
 * const table = parseCsv('x,y,label\n0.5,1,0\n2,-1,1\n', 'inline', { labelColumn: 'label' });
 * // inputs: Float64Array [0.5, 1, 2, -1], shape: [2, 2], labels: Int32Array [0, 1], columnNames: ['x', 'y']
 */
export function parseCsv(text: string, name: string, options: CsvOptions = {}): CsvTable {
  const { header, delimiter } = checkOptions(options);
  const rows: { cells: string[]; number: number }[] = [];
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      rows.push({ cells: splitLine(line, delimiter), number: index + 1 });
    } catch (error) {
      throw new Error(`${name}: line ${index + 1}, ${(error as Error).message}`);
    }
  });
  if (rows.length === 0) throw new Error(`${name}: no rows: the file is empty or holds only blank lines`);
  const first = rows[0]!;
  const hasHeader = header === 'auto' ? first.cells.some((cell) => !NUMBER.test(cell) && !NON_FINITE.test(cell) && cell !== '') : header;
  const names = hasHeader ? first.cells : undefined;
  const data = hasHeader ? rows.slice(1) : rows;
  if (data.length === 0) throw new Error(`${name}: the file has a header row (line ${first.number}) but no data rows`);
  const width = first.cells.length;
  const labelIndex = labelIndexOf(options.labelColumn, names, width, name);
  const inputWidth = labelIndex === undefined ? width : width - 1;
  if (inputWidth === 0) throw new Error(`${name}: the only column is the label column; there are no input columns`);
  const inputs = new Float64Array(data.length * inputWidth);
  const labels = new Float64Array(labelIndex === undefined ? 0 : data.length);
  data.forEach(({ cells, number }, row) => {
    if (cells.length !== width) {
      throw new Error(`${name}: line ${number} has ${cells.length} columns but ${hasHeader ? 'the header' : 'the first row'} (line ${first.number}) has ${width}`);
    }
    let column = 0;
    cells.forEach((cell, index) => {
      const value = NUMBER.test(cell) ? Number(cell) : Number.NaN;
      if (!Number.isFinite(value)) {
        const where = `line ${number}, column ${index + 1}${names ? ` (${names[index]})` : ''}`;
        const problem = cell === '' ? 'empty cell' : `${JSON.stringify(cell)} is not a finite number`;
        throw new Error(`${name}: ${where}: ${problem}; every cell must be a number`);
      }
      if (index === labelIndex) labels[row] = value;
      else inputs[row * inputWidth + column++] = value;
    });
  });
  const table: CsvTable = { inputs, shape: [data.length, inputWidth] };
  if (labelIndex !== undefined) {
    table.labels = labels.every((value) => Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31) ? Int32Array.from(labels) : labels;
  }
  if (names) {
    table.columnNames = names.filter((_, index) => index !== labelIndex);
    if (labelIndex !== undefined) table.labelName = names[labelIndex];
  }
  return table;
}

/**
 * Reads a numeric CSV file (UTF-8, with or without a byte-order mark).
 *
 * @example
 * const { inputs, shape, labels } = readCsv('data.csv', { labelColumn: 'label' }); // shape: [rows, columns − 1]
 */
export function readCsv(file: string, options: CsvOptions = {}): CsvTable {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(readFileBytes(file));
  } catch (error) {
    if ((error as Error).message.startsWith(file)) throw error;
    throw new Error(`${file}: not UTF-8 text; save the CSV as UTF-8`);
  }
  return parseCsv(text, file, options);
}
