import { describeError } from './errors.js';

/** `waiting` (not started), `pending` (running), `confirmed` (done), `failed`, `skipped` (an earlier step failed). */
export type StepStatus = 'waiting' | 'pending' | 'confirmed' | 'failed' | 'skipped';

/** One line of a multi-step action as the page shows it (`data-step`, `data-status`). */
export interface ProgressStep {
  id: string;
  label: string;
  status: StepStatus;
  /** What the step produced (a CID, a transaction hash) or, when it failed, why (one sentence). */
  detail?: string;
}

export interface StepDefinition {
  id: string;
  label: string;
  /** Runs the step; the string it returns is shown as its detail. `progress` shows a detail while it still runs. */
  run: (progress: (detail: string) => void) => Promise<string | undefined>;
}

/** The lines of `steps` before any runs. */
export const waitingSteps = (steps: readonly Pick<StepDefinition, 'id' | 'label'>[]): ProgressStep[] =>
  steps.map(({ id, label }) => ({ id, label, status: 'waiting' }));

/**
 * Runs steps in order, reporting every change: each goes pending → confirmed, or failed with its error in one
 * sentence ({@link describeError}) and every later step skipped. Never throws; `ok` says whether all were confirmed.
 * @example const { ok } = await runSteps([{ id: 'pin', label: 'Pin', run: pin }], (lines) => (progress = lines))
 */
export async function runSteps(
  steps: readonly StepDefinition[],
  onChange: (lines: ProgressStep[]) => void,
): Promise<{ ok: boolean; lines: ProgressStep[]; error?: unknown }> {
  let lines = waitingSteps(steps);
  const set = (i: number, patch: Partial<ProgressStep>) => {
    lines = lines.map((l, j) => (j === i ? { ...l, ...patch } : l));
    onChange(lines);
  };
  onChange(lines);
  for (let i = 0; i < steps.length; i++) {
    set(i, { status: 'pending', detail: undefined });
    try {
      const detail = await steps[i].run((d) => set(i, { detail: d }));
      set(i, { status: 'confirmed', detail: detail || lines[i].detail });
    } catch (error) {
      set(i, { status: 'failed', detail: describeError(error) });
      lines = lines.map((l, j) => (j > i ? { ...l, status: 'skipped' } : l));
      onChange(lines);
      return { ok: false, lines, error };
    }
  }
  return { ok: true, lines };
}
