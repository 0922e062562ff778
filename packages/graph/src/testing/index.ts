export { allPairs } from './all-pairs.js';
export { jitteredCluster } from './jittered-cluster.js';
export { randomNeighborMatrix } from './neighbor-matrix.js';
export { randomTensor, rng } from './random.js';
