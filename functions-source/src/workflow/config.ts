import type { StandardSchemaV1 } from '@standard-schema/spec';
import { getNetwork } from '@chainlink/cre-sdk';
import { ProtocolError, assertWindowSeconds } from '@gridproof/protocol';

/** The workflow's config (config.<target>.json), validated before any handler runs. */
export interface WorkflowConfig {
  /** CRE cron, six fields with seconds, e.g. `"0 * * * * *"` (once a minute). */
  schedule: string;
  /** Oracle API base URL, without a trailing slash. */
  apiUrl: string;
  windowSeconds: number;
  /** Time after a window's end by which the oracle API has sealed it. */
  sealDelaySeconds: number;
  /** Chain selector name from chain-selectors (`anvil-devnet`, `ethereum-testnet-sepolia`). */
  chainSelectorName: string;
  /** Resolved from `chainSelectorName`, or given directly as a decimal string in the config. */
  chainSelector: bigint;
  deviceRegistryAddress: `0x${string}`;
  dataLoggerAddress: `0x${string}`;
  /** Gas limit for the forwarder's `report` transaction, decimal string. */
  gasLimit: string;
  /**
   * Block the registry is read at (the sampling seed is always the block after the commit, read by number). Default and recommended: `finalized`, where no
   * reorg can change the keys: a registration that is not final yet is not used, and its window is refused
   * (`WINDOW_DEVICE_UNKNOWN`) until a later tick finds it final.
   *
   * `latest` is an explicit, reorg-UNSAFE opt-in. A window verified against a registration that a reorg then removes
   * stays recorded (the report transaction is re-included on the new fork), and `WindowChallenger.challengeSignature`
   * freezes that honest window as DEVICE_NOT_REGISTERED. Use it only where reorgs cannot happen or do not matter.
   */
  registryBlock: 'finalized' | 'latest';
  /**
   * Windows with more readings than this are verified on a sample of `sampleSize` reading signatures,
   * seeded by the hash of block `commitBlock + 1`, mined after the DON committed the document digest.
   * Absent: no sampling, every signature is verified.
   */
  samplingThreshold?: number;
  /** Reading signatures checked in a sampled window; required with `samplingThreshold`, at most it. */
  sampleSize?: number;
}

/** The config file failed validation. */
export class WorkflowConfigError extends ProtocolError<'WORKFLOW_CONFIG_INVALID'> {
  override name = 'WorkflowConfigError' as const;
  constructor(field: string, message: string) {
    super('WORKFLOW_CONFIG_INVALID', `Workflow config field "${field}": ${message}`, { details: { field } });
  }
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const FIELDS = new Set([
  'schedule',
  'apiUrl',
  'windowSeconds',
  'sealDelaySeconds',
  'chainSelectorName',
  'chainSelector',
  'deviceRegistryAddress',
  'dataLoggerAddress',
  'gasLimit',
  'registryBlock',
  'samplingThreshold',
  'sampleSize',
]);

/**
 * Validates a parsed config file; throws {@link WorkflowConfigError} naming the first bad field.
 * @example parseWorkflowConfig(JSON.parse(readFileSync('config.local.json', 'utf8')))
 */
export function parseWorkflowConfig(input: unknown): WorkflowConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new WorkflowConfigError('(root)', 'must be a JSON object.');
  const c = input as Record<string, unknown>;
  for (const key of Object.keys(c)) if (!FIELDS.has(key)) throw new WorkflowConfigError(key, 'is not a known field.');

  const str = (field: string): string => {
    const v = c[field];
    if (typeof v !== 'string' || v.length === 0) throw new WorkflowConfigError(field, 'must be a non-empty string.');
    return v;
  };
  const int = (field: string): number => {
    const v = c[field];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new WorkflowConfigError(field, 'must be a non-negative integer.');
    return v;
  };
  const address = (field: string): `0x${string}` => {
    const v = str(field);
    if (!ADDRESS.test(v)) throw new WorkflowConfigError(field, `must be a 20-byte 0x address, got "${v}".`);
    return v as `0x${string}`;
  };

  const schedule = str('schedule');
  if (schedule.trim().split(/\s+/).length !== 6) throw new WorkflowConfigError('schedule', `must be a six-field cron with seconds, got "${schedule}".`);
  const apiUrl = str('apiUrl');
  if (!/^https?:\/\/[^/]+/.test(apiUrl) || apiUrl.endsWith('/')) {
    throw new WorkflowConfigError('apiUrl', `must be an http(s) base URL without a trailing slash, got "${apiUrl}".`);
  }
  const windowSeconds = int('windowSeconds');
  try {
    assertWindowSeconds(windowSeconds);
  } catch (e) {
    throw new WorkflowConfigError('windowSeconds', (e as Error).message);
  }
  const sealDelaySeconds = int('sealDelaySeconds');

  const chainSelectorName = str('chainSelectorName');
  const network = getNetwork({ chainFamily: 'evm', chainSelectorName });
  let chainSelector: bigint;
  if (c.chainSelector !== undefined) {
    const raw = str('chainSelector');
    if (!/^[0-9]+$/.test(raw)) throw new WorkflowConfigError('chainSelector', 'must be a decimal string.');
    chainSelector = BigInt(raw);
    if (network && network.chainSelector.selector !== chainSelector) {
      throw new WorkflowConfigError('chainSelector', `does not match chainSelectorName "${chainSelectorName}" (${network.chainSelector.selector}).`);
    }
  } else {
    if (!network) throw new WorkflowConfigError('chainSelectorName', `"${chainSelectorName}" is not a known EVM chain selector name.`);
    chainSelector = network.chainSelector.selector;
  }

  const gasLimit = str('gasLimit');
  if (!/^[1-9][0-9]*$/.test(gasLimit)) throw new WorkflowConfigError('gasLimit', `must be a positive decimal string, got "${gasLimit}".`);
  const registryBlock = c.registryBlock === undefined ? 'finalized' : str('registryBlock');
  if (registryBlock !== 'finalized' && registryBlock !== 'latest') throw new WorkflowConfigError('registryBlock', 'must be "finalized" or "latest".');

  const positive = (field: string): number => {
    const v = c[field];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
      throw new WorkflowConfigError(field, `must be a positive integer, got ${JSON.stringify(v)}.`);
    return v;
  };
  let sampling: Pick<WorkflowConfig, 'samplingThreshold' | 'sampleSize'> = {};
  if (c.samplingThreshold !== undefined) {
    const samplingThreshold = positive('samplingThreshold');
    if (c.sampleSize === undefined) throw new WorkflowConfigError('sampleSize', 'is required when samplingThreshold is set.');
    const sampleSize = positive('sampleSize');
    if (sampleSize > samplingThreshold) {
      throw new WorkflowConfigError('sampleSize', `must be at most samplingThreshold (${samplingThreshold}), got ${sampleSize}.`);
    }
    sampling = { samplingThreshold, sampleSize };
  } else if (c.sampleSize !== undefined) {
    throw new WorkflowConfigError('sampleSize', 'is only meaningful with samplingThreshold; set both or neither.');
  }

  return {
    schedule,
    apiUrl,
    windowSeconds,
    sealDelaySeconds,
    chainSelectorName,
    chainSelector,
    deviceRegistryAddress: address('deviceRegistryAddress'),
    dataLoggerAddress: address('dataLoggerAddress'),
    gasLimit,
    registryBlock,
    ...sampling,
  };
}

/** {@link parseWorkflowConfig} as a Standard Schema, the form `Runner.newRunner({ configSchema })` takes. */
export const workflowConfigSchema: StandardSchemaV1<unknown, WorkflowConfig> = {
  '~standard': {
    version: 1,
    vendor: 'gridproof',
    validate(value) {
      try {
        return { value: parseWorkflowConfig(value) };
      } catch (e) {
        return { issues: [{ message: (e as Error).message }] };
      }
    },
  },
};
