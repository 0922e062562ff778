export * from './conformance.js';
export * from './python.js';
