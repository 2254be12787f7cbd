export * from './windows.js';
export * from './validation.js';
