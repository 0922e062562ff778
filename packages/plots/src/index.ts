export * from './chart-types.js';
export * from './histogram.js';
export * from './line-chart.js';
export * from './parity-chart.js';
export * from './scaling-chart.js';
export { escapeXml, PALETTE } from './svg.js';
export * from './ticks.js';
export * from './write-svg.js';
