// TypeScript tooling around the deployed contracts, shared by devnet, the end-to-end tests and
// the dApp's browser test: start anvil, deploy with Deploy.s.sol, deliver DON reports.
export * from './anvil.js';
export * from './deploy.js';
export * from './forwarder.js';
export * from './ports.js';
export * from './devKeys.js';
