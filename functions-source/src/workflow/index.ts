export { onCronTrigger, initWorkflow, type WindowOutcome } from './handlers.js';
export { parseWorkflowConfig, workflowConfigSchema, WorkflowConfigError, type WorkflowConfig } from './config.js';
