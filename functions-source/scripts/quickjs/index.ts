// The QuickJS workflow host (the engine a DON runs the bundle in), its worker-thread form for
// long-running hosts, and the bundle build.
export { cronExecuteRequest, pluginPath, runInQuickJs, type CapabilityHandler, type QuickJsRun } from './host.js';
export { QuickJsWorkflowWorker, type CapabilityAnswer, type CapabilityCall, type WorkflowExecution } from './workerHost.js';
export { ensureWorkflowBundle, workflowBundleIsStale } from './bundle.js';
