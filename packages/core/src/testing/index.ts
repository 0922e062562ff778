export * from './python.js';
export * from './conformance.js';
