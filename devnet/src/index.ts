export * from './devnet.js';
export * from './don.js';
export * from './anvil.js';
export * from './deploy.js';
export * from './config.js';
export * from './ports.js';
export * from './dappServer.js';
