// `@gridproof/functions-source/functions`: the Chainlink Functions path (Node side: building the source).
export {
  buildFunctionsSource,
  buildFunctionsBundle,
  DEFAULT_FUNCTIONS_SETTINGS,
  FUNCTIONS_MAX_REQUEST_BYTES,
  type BuildFunctionsSourceParameters,
  type BuildFunctionsSourceReturnType,
} from './build.js';
export { IDS_PER_CALL, MAX_REGISTRY_CALLS, type FunctionsSourceSettings, type FunctionsRequestInput, type FunctionsLibrary } from './source.js';
