// Test and devnet support (private): start anvil, deploy with Deploy.s.sol, deliver DON reports
// through the KeystoneForwarder, free ports, the well-known dev keys, and a static server for the
// dApp build. Shared by devnet, the end-to-end tests and the dApp's browser test.
export * from './anvil.js';
export * from './dappServer.js';
export * from './deploy.js';
export * from './devKeys.js';
export * from './forwarder.js';
export * from './installers.js';
export * from './ports.js';
