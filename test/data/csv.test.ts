/** Numeric CSV: headers, delimiters, label columns, quoting and line ends; malformed files name line and column. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { parseCsv, readCsv } from '../../src/data/csv.js';
import { assertFileError, scratchDirectory } from './scratch.js';

const { dir, write } = scratchDirectory();

describe('readCsv', () => {
  it('detects a header, takes the label column by name, and reads integer labels as Int32Array', () => {
    const table = readCsv(write('labelled.csv', 'x,y,label\n0.5,1,0\n2,-1e-1,1\n'), { labelColumn: 'label' });
    assert.deepEqual(table, {
      inputs: new Float64Array([0.5, 1, 2, -0.1]),
      shape: [2, 2],
      labels: new Int32Array([0, 1]),
      columnNames: ['x', 'y'],
      labelName: 'label',
    });
  });

  it('reads a file without a header, a label column by negative index, and non-integer labels as Float64Array', () => {
    const table = readCsv(write('plain.csv', '1;2;0.25\n3;4;-7.5'), { delimiter: ';', labelColumn: -1 });
    assert.deepEqual(table, { inputs: new Float64Array([1, 2, 3, 4]), shape: [2, 2], labels: new Float64Array([0.25, -7.5]) });
    const first = readCsv(write('first.csv', '9,1\n8,2\n'), { labelColumn: 0 });
    assert.deepEqual([first.inputs, first.labels], [new Float64Array([1, 2]), new Int32Array([9, 8])]);
  });

  it('handles CRLF, a byte-order mark, blank lines, quoted cells, spaces and tabs as delimiters', () => {
    const crlf = readCsv(write('crlf.csv', '\uFEFFa,"b"\r\n"1", 2.5 \r\n\r\n"-3","+4E2"\r\n\r\n'));
    assert.deepEqual(crlf, { inputs: new Float64Array([1, 2.5, -3, 400]), shape: [2, 2], columnNames: ['a', 'b'] });
    const quotedName = readCsv(write('quoted-name.csv', '"say ""hi""",b\n1,2\n'));
    assert.deepEqual(quotedName.columnNames, ['say "hi"', 'b']);
    assert.deepEqual(readCsv(write('tabs.tsv', '1\t2\n.5\t6.\n'), { delimiter: '\t' }).inputs, new Float64Array([1, 2, 0.5, 6]));
  });

  it('header: true takes a numeric first row as names; header: false makes a text first row an error', () => {
    const numericNames = readCsv(write('years.csv', '2019,2020\n1,2\n'), { header: true });
    assert.deepEqual([numericNames.columnNames, numericNames.shape], [['2019', '2020'], [1, 2]]);
    const file = write('names.csv', 'a,b\n1,2\n');
    assertFileError(() => readCsv(file, { header: false }), file, /line 1, column 1: "a" is not a finite number/);
  });

  it('parseCsv reads text already in memory', () => {
    assert.deepEqual(parseCsv('1,2\n', 'inline').inputs, new Float64Array([1, 2]));
  });
});

describe('readCsv on malformed files: the error names the file, line, column and text', () => {
  const bad = (name: string, text: string | Uint8Array, problem: RegExp, options = {}): void => {
    const file = write(name, text);
    assertFileError(() => readCsv(file, options), file, problem);
  };

  it('rows of different lengths', () => {
    bad('ragged.csv', '1,2\n3,4\n5\n', /line 3 has 1 columns but the first row \(line 1\) has 2/);
    bad('ragged-header.csv', 'a,b\n\n1,2,3\n', /line 3 has 3 columns but the header \(line 1\) has 2/);
  });

  it('cells that are not finite numbers, naming the column by number and header name', () => {
    bad('text.csv', 'x,y\n1,2\n1,two\n', /line 3, column 2 \(y\): "two" is not a finite number; every cell must be a number/);
    bad('empty-cell.csv', '1,,3\n', /line 1, column 2: empty cell/);
    bad('nan.csv', '1,2\n3,NaN\n', /line 2, column 2: "NaN" is not a finite number/);
    bad('inf.csv', 'a\nInfinity\n', /line 2, column 1 \(a\): "Infinity" is not a finite number/);
    bad('overflow.csv', '1e999\n', /line 1, column 1: "1e999" is not a finite number/);
    bad('hex.csv', '1\n0x10\n', /line 2, column 1: "0x10" is not a finite number/);
    bad('trailing-comma.csv', '1,2,\n', /line 1, column 3: empty cell/);
  });

  it('broken quoting', () => {
    bad('unterminated.csv', '1,"2\n', /line 1, column 2: unterminated quote/);
    bad('after-quote.csv', '"1"x,2\n', /line 1, column 1: text after the closing quote \("x,2"\)/);
  });

  it('no data, and label columns that do not exist', () => {
    bad('empty.csv', '', /no rows: the file is empty or holds only blank lines/);
    bad('blank.csv', '\r\n \n', /no rows/);
    bad('header-only.csv', 'a,b\n', /the file has a header row \(line 1\) but no data rows/);
    bad('label-name.csv', 'a,b\n1,2\n', /no column named "c" \(columns: a, b\)/, { labelColumn: 'c' });
    bad('label-no-header.csv', '1,2\n', /labelColumn "c" names a column but the file has no header row; pass the column's index instead/, { labelColumn: 'c' });
    bad('label-index.csv', '1,2\n', /labelColumn 2 is outside the 2 columns/, { labelColumn: 2 });
    bad('label-only.csv', 'y\n1\n', /the only column is the label column/, { labelColumn: 'y' });
  });

  it('text that is not UTF-8, and a missing file', () => {
    bad('latin1.csv', Buffer.from('caf\xe9\n1\n', 'latin1'), /not UTF-8 text; save the CSV as UTF-8/);
    const missing = path.join(dir, 'missing.csv');
    assertFileError(() => readCsv(missing), missing, /cannot read the file \(ENOENT\)/);
  });

  it('invalid options are TypeErrors in the one message template', () => {
    const file = write('ok.csv', '1,2\n');
    assert.throws(() => readCsv(file, { delimiter: '"' }), { name: 'TypeError', message: 'Expected one character other than a quote or a line break for options.delimiter but received "\\""' });
    assert.throws(() => readCsv(file, { delimiter: ',,' }), { name: 'TypeError', message: /options\.delimiter but received ",,"/ });
    assert.throws(() => readCsv(file, { header: 'yes' as never }), { name: 'TypeError', message: 'Expected true, false or \'auto\' for options.header but received "yes"' });
    assert.throws(() => readCsv(file, { labelColumn: 1.5 }), { name: 'TypeError', message: 'Expected an integer for options.labelColumn but received 1.5' });
  });
});
