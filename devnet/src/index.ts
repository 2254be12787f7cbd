export * from './devnet.js';
export * from './don.js';
export * from './dappServer.js';
