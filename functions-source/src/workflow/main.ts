// CRE entry point: what cre-compile bundles. Tests import ./handlers.ts instead, so nothing runs on import there.
import { Runner } from '@chainlink/cre-sdk';
import { workflowConfigSchema, type WorkflowConfig } from './config.js';
import { initWorkflow } from './handlers.js';

export async function main(): Promise<void> {
  const runner = await Runner.newRunner<WorkflowConfig, unknown>({ configSchema: workflowConfigSchema });
  await runner.run(initWorkflow);
}

main();
