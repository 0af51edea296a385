/** Data: file readers (IDX, NPY, NPZ, CSV, MAT), built-in datasets, and seeded dataset operations. */
export {
  type Dataset, type DatasetSplits, checkDataset, select, size, batchIndices, randomSubset, randomLabels, stratifiedIndices, trainTestSplit,
} from './dataset.js';
export { readIdx, idxToTensor, decodeIdx, type IdxData, type IdxArray } from './idx.js';
export { readNpy, npyToTensor, writeNpy, encodeNpy, decodeNpy, npyArrayOf, type NpyArray, type NpyData, type NpyReadOptions } from './npy.js';
export { readNpz, writeNpz, decodeNpz, encodeZip, decodeZip, type NpzContents } from './npz.js';
export { readCsv, parseCsv, type CsvOptions, type CsvTable } from './csv.js';
export { readMat, MatFile, type MatVariable, type MatData, type MatClass } from './mat.js';
export { loadMnist, loadFashionMnist, FASHION_MNIST_DIR, type ImageLayout } from './builtin.js';
export { generateIb12, loadIb12Mat, icosahedronVertices, allPatterns, PUBLISHED_IB12 } from './ib12.js';
