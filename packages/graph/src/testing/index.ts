export { randomNeighborMatrix } from './neighbor-matrix.js';
export { randomTensor, rng } from './random.js';
