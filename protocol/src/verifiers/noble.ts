/** `@gridproof/protocol/verifiers/noble`: the reference adapter (pure JS; QuickJS/CRE, any runtime). */
export { nobleBackend } from './nobleBackend.js';
export { nobleSignatureVerifier } from '../signature.js';
