export * from './readings.js';
export * from './validation.js';
