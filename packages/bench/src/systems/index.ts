export * from './build-system.js';
export * from './lattices.js';
export * from './molecules.js';
export * from './system-spec.js';
export * from './water.js';
