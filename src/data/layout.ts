/** Memory-layout conversion shared by the readers of column-major formats (MAT-files, Fortran-order NPY). */

/** Row-major copy of `values` stored column-major for `shape`, written into `out` (same length). */
export function columnMajorToRowMajor<T extends { [index: number]: number | bigint; length: number }>(values: T, shape: readonly number[], out: T): T {
  const strides = shape.map((_, i) => shape.slice(0, i).reduce((a, b) => a * b, 1));
  const index = new Array<number>(shape.length).fill(0);
  for (let r = 0; r < values.length; r++) {
    let source = 0;
    for (let d = 0; d < shape.length; d++) source += index[d]! * strides[d]!;
    out[r] = values[source]!;
    for (let d = shape.length - 1; d >= 0 && ++index[d]! >= shape[d]!; d--) index[d] = 0;
  }
  return out;
}
