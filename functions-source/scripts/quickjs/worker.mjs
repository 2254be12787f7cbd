// Worker-thread entry of QuickJsWorkflowWorker: registers tsx in this thread (loader flags are not
// inherited reliably by workers), then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
