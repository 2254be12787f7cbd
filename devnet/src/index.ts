export * from './devnet.js';
export * from './creDon.js';
export * from './functionsDon.js';
export * from './automation.js';
export * from './functionsPath.js';
export * from './tickLoop.js';
export * from './env.js';
export * from './state.js';
