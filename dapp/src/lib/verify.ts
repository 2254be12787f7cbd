import {
  InvalidSignatureFormatError,
  KeyType,
  cidFromDigest,
  decodeSignedReading,
  decodeWindowDocument,
  fromHex,
  isValidAtRevocation,
  merkleProofPath,
  readingProofOf,
  toHex,
  type Hex,
  type ReadingProof,
  type SignedReading,
  type WindowDocument,
  type WindowReport,
} from '@gridproof/protocol';
import { webCryptoSignatureVerifier } from '@gridproof/protocol/verifiers/webcrypto';
import { describeError } from './errors.js';

/** What DataLogger.getWindow returns, in JS numbers (all fields stay below 2^53). */
export interface OnChainWindow extends WindowReport {
  recordedAt: number;
}

/** What DeviceRegistry.getDevice returns (times in unix seconds; `revokedAt` and `revocationReason` 0 while active). */
export interface OnChainDevice {
  deviceId: string;
  keyType: number;
  publicKey: Hex;
  owner: Hex;
  /** protocol `DeviceRole`. */
  role: number;
  ratedCapacityW: number;
  /** The electrician who certified it, under `organisationId`. */
  certifier: Hex;
  organisationId: bigint;
  certifiedAt: number;
  revokedAt: number;
  revocationReason: number;
}

/** DataLogger.deviceFrozenReason and correctionOf for one device in one window. */
export interface DeviceFreeze {
  /** WindowChallenger reason code; 0 when the device's summary is provable (never frozen, or corrected). */
  reason: number;
  /** The corrected summary leaf the DON recorded after a freeze; null when none. */
  correctedLeaf: Hex | null;
}

/** What each WindowChallenger reason code proved (IWindowChallenger). */
export const FREEZE_REASONS: Readonly<Record<number, string>> = {
  1: "a signature does not verify against the device's registered P-256 key",
  2: 'a reading lies outside the window',
  3: "a reading's counter lies outside its summary's counters",
  4: 'two distinct readings share a counter',
  5: 'a reading with a higher counter has less energy',
  6: 'the device was not registered when the window was recorded',
  7: 'the device summary contradicts itself',
  8: "a reading's energy contradicts the device summary",
  9: 'one reading appears twice',
  10: 'the baseline reading breaks a baseline rule',
  11: "the summary overlaps the device's previous window (energy counted twice)",
  12: 'the device has two summaries in the window',
  13: "the summary's counts do not match its readings",
  14: "the window's totals are not the sums of its summaries",
  15: 'a reading is not a valid reading of the device',
};

/** "reason 1: a signature does not verify …", or the bare code for one this app does not know. */
export function freezeReasonText(reason: number): string {
  const what = FREEZE_REASONS[reason];
  return what ? `reason ${reason}: ${what}` : `reason ${reason}`;
}

/** Where verification gets its inputs; the UI wires the chain and the gateway, tests wire fixtures. */
export interface VerificationSources {
  /** DataLogger.getWindow(windowStart). */
  readWindow(windowStart: number): Promise<OnChainWindow>;
  /** Raw block bytes for a CID, from an IPFS gateway. Verification hashes them itself. */
  fetchDocument(cid: string): Promise<Uint8Array>;
  /** DeviceRegistry.getDevice(deviceId). */
  readDevice(deviceId: string): Promise<OnChainDevice>;
  /** DataLogger.deviceFrozenReason(windowStart, deviceId) and correctionOf: has a fraud proof frozen this device here? */
  readDeviceFreeze(windowStart: number, deviceId: string): Promise<DeviceFreeze>;
  /** DataLogger.verifyReading(windowStart, signedReading, readingProof, summary, summaryProof). */
  verifyOnChain(windowStart: number, proof: ReadingProof): Promise<boolean>;
}

export type StepId = 'document' | 'cid' | 'reading' | 'device' | 'frozen' | 'signature' | 'reading-proof' | 'summary-proof' | 'root' | 'contract';

export type StepStatus = 'pending' | 'running' | 'pass' | 'fail' | 'skipped';

/** One compared value, shown next to the step. */
export interface StepValue {
  label: string;
  value: string;
}

export interface VerificationStep {
  id: StepId;
  title: string;
  status: StepStatus;
  /** Why the step failed or was skipped. */
  reason?: string;
  values: StepValue[];
}

/** Steps in the order they run, with the steps whose outputs they need. */
export const VERIFICATION_STEPS: readonly { id: StepId; title: string; needs: readonly StepId[] }[] = [
  { id: 'document', title: 'Window document fetched from the gateway', needs: [] },
  { id: 'cid', title: 'SHA-256 of the document equals the on-chain CID digest', needs: ['document'] },
  { id: 'reading', title: 'Reading found in the document and decoded', needs: ['document'] },
  { id: 'device', title: 'Device key read from the on-chain registry, not revoked at the reading', needs: [] },
  { id: 'frozen', title: 'Device not frozen in this window by a fraud proof', needs: [] },
  { id: 'signature', title: 'Hardware signature verifies (WebCrypto)', needs: ['reading', 'device'] },
  { id: 'reading-proof', title: 'Merkle proof: reading leaf → device readings root', needs: ['reading'] },
  { id: 'summary-proof', title: 'Merkle proof: device summary leaf → window root', needs: ['reading'] },
  { id: 'root', title: 'Window root equals the on-chain root', needs: ['document', 'summary-proof'] },
  { id: 'contract', title: 'DataLogger.verifyReading agrees on chain', needs: ['reading'] },
];

export interface VerifyReadingParameters {
  windowStart: number;
  deviceId: string;
  counter: number;
  sources: VerificationSources;
  /** WebCrypto to use; defaults to `globalThis.crypto.subtle` (browser and Node 20). */
  subtle?: SubtleCrypto;
  /** Called with a fresh copy of all steps whenever one changes, so a UI can show progress. */
  onProgress?: (steps: VerificationStep[]) => void;
}

export interface VerifyReadingReturnType {
  /** True only if every step passed. */
  verified: boolean;
  steps: VerificationStep[];
}

interface StepOutcome {
  ok: boolean;
  reason?: string;
  values: StepValue[];
}

const short = (hex: string) => (hex.length > 20 ? `${hex.slice(0, 10)}…${hex.slice(-8)}` : hex);

/**
 * Re-verifies one reading from scratch: the document behind the on-chain CID, the hardware
 * signature against the registry's key, both Merkle proofs up to the on-chain root, and the
 * contract's own check. A failing step names its reason; steps that need its output are skipped,
 * the others still run (a tampered document can still prove an untouched reading).
 * @example
 * const { verified, steps } = await verifyReading({ windowStart: 1767225600, deviceId: 'SOLR_0001', counter: 10, sources });
 */
export async function verifyReading(params: VerifyReadingParameters): Promise<VerifyReadingReturnType> {
  const { windowStart, deviceId, counter, sources } = params;
  const subtle = params.subtle ?? globalThis.crypto.subtle;
  const steps: VerificationStep[] = VERIFICATION_STEPS.map(({ id, title }) => ({ id, title, status: 'pending', values: [] }));
  const emit = () => params.onProgress?.(steps.map((s) => ({ ...s, values: [...s.values] })));
  const stepOf = (id: StepId) => steps.find((s) => s.id === id)!;

  async function run(id: StepId, check: () => Promise<StepOutcome>): Promise<void> {
    const step = stepOf(id);
    const needs = VERIFICATION_STEPS.find((s) => s.id === id)!.needs;
    const blocked = needs.filter((n) => stepOf(n).status !== 'pass');
    if (blocked.length > 0) {
      step.status = 'skipped';
      step.reason = `Skipped: needs ${blocked.map((b) => `"${stepOf(b).title}"`).join(' and ')}, which did not pass.`;
      emit();
      return;
    }
    step.status = 'running';
    emit();
    try {
      const outcome = await check();
      step.status = outcome.ok ? 'pass' : 'fail';
      step.values = outcome.values;
      if (!outcome.ok) step.reason = outcome.reason ?? `${step.title}: check failed.`;
    } catch (error) {
      step.status = 'fail';
      step.reason = describeError(error);
    }
    emit();
  }

  let record: OnChainWindow | undefined;
  let documentBytes: Uint8Array | undefined;
  let doc: WindowDocument | undefined;
  let signed: SignedReading | undefined;
  let proof: ReadingProof | undefined;
  let device: OnChainDevice | undefined;
  let computedWindowRoot: Hex | undefined;

  await run('document', async () => {
    record = await sources.readWindow(windowStart);
    const cid = cidFromDigest(record.cidDigest).toString();
    documentBytes = await sources.fetchDocument(cid);
    return {
      ok: documentBytes.length > 0,
      reason: 'The gateway returned an empty body.',
      values: [
        { label: 'CID (from on-chain digest)', value: cid },
        { label: 'bytes received', value: String(documentBytes.length) },
      ],
    };
  });

  await run('cid', async () => {
    const digest = toHex(new Uint8Array(await subtle.digest('SHA-256', documentBytes as BufferSource)));
    const ok = digest === record!.cidDigest.toLowerCase();
    return {
      ok,
      reason: `SHA-256 of the fetched document ${digest} differs from the on-chain CID digest ${record!.cidDigest}: the gateway served other bytes than were anchored.`,
      values: [
        { label: 'SHA-256 of fetched bytes', value: digest },
        { label: 'on-chain cidDigest', value: record!.cidDigest },
      ],
    };
  });

  await run('reading', async () => {
    doc = decodeWindowDocument(documentBytes!);
    proof = readingProofOf(doc, deviceId, counter);
    signed = decodeSignedReading(fromHex(proof.signedReading));
    const r = signed.reading;
    const ok = r.deviceId === deviceId && r.counter === counter;
    return {
      ok,
      reason: `The reading filed under ${deviceId} #${counter} decodes as ${r.deviceId} #${r.counter}.`,
      values: [
        { label: 'device', value: r.deviceId },
        { label: 'counter', value: String(r.counter) },
        { label: 'time (UTC)', value: new Date(r.timestamp * 1000).toISOString() },
        { label: 'power', value: `${r.powerW} W` },
        { label: 'energy register', value: `${r.energyWh} Wh` },
        { label: 'status', value: r.status },
      ],
    };
  });

  await run('device', async () => {
    device = await sources.readDevice(deviceId);
    const values = [
      { label: 'key type', value: keyTypeName(device.keyType) },
      { label: 'public key', value: device.publicKey },
      { label: 'revoked at', value: device.revokedAt === 0 ? 'never (active)' : new Date(device.revokedAt * 1000).toISOString() },
    ];
    if (device.keyType !== KeyType.P256 && device.keyType !== KeyType.ED25519) {
      return { ok: false, reason: `Device ${deviceId} is not registered (key type ${device.keyType}).`, values };
    }
    // The registry's isValidAt: a revoked device's readings from before its revocation stay valid.
    const at = signed?.reading.timestamp;
    const ok = at === undefined ? device.revokedAt === 0 : isValidAtRevocation(device.revokedAt, at);
    return {
      ok,
      reason: `Device ${deviceId} was revoked at ${new Date(device.revokedAt * 1000).toISOString()}${at === undefined ? '' : `, not after this reading's ${new Date(at * 1000).toISOString()}`}: its readings from then on are invalid.`,
      values,
    };
  });

  await run('frozen', async () => {
    const freeze = await sources.readDeviceFreeze(windowStart, deviceId);
    const values = [{ label: 'DataLogger.deviceFrozenReason', value: String(freeze.reason) }];
    if (freeze.correctedLeaf) values.push({ label: 'corrected summary leaf (DataLogger.correctionOf)', value: freeze.correctedLeaf });
    return {
      ok: freeze.reason === 0,
      reason: `Device ${deviceId} is frozen in this window: a fraud proof on chain showed that ${FREEZE_REASONS[freeze.reason] ?? 'one of the window rules was broken'} (reason ${freeze.reason}). None of its readings in this window can be proven until the DON records a correction.`,
      values,
    };
  });

  await run('signature', async () => {
    const result = await verifySignature(subtle, device!.keyType, fromHex(device!.publicKey), signed!.readingBytes, signed!.signature);
    return {
      ok: result.valid,
      reason: result.reason ?? `The ${keyTypeName(device!.keyType)} signature does not verify against the registered key.`,
      values: [
        { label: 'signature', value: toHex(signed!.signature) },
        { label: 'checked with', value: result.method },
      ],
    };
  });

  await run('reading-proof', async () => {
    const path = merkleProofPath(proof!.readingProof, proof!.readingLeaf);
    const computed = path.at(-1) ?? proof!.readingLeaf;
    return {
      ok: computed === proof!.summary.readingsRoot.toLowerCase(),
      reason: `Walking the proof gives ${computed}, the device's readings root in the document is ${proof!.summary.readingsRoot}.`,
      values: [
        { label: 'reading leaf', value: proof!.readingLeaf },
        ...pathValues(proof!.readingProof, path),
        { label: 'computed root', value: computed },
        { label: 'device readingsRoot', value: proof!.summary.readingsRoot },
      ],
    };
  });

  await run('summary-proof', async () => {
    const path = merkleProofPath(proof!.summaryProof, proof!.summaryLeaf);
    computedWindowRoot = path.at(-1) ?? proof!.summaryLeaf;
    return {
      ok: computedWindowRoot === proof!.windowRoot.toLowerCase(),
      reason: `Walking the proof gives ${computedWindowRoot}, the document's window root is ${proof!.windowRoot}.`,
      values: [
        { label: 'summary leaf', value: proof!.summaryLeaf },
        ...pathValues(proof!.summaryProof, path),
        { label: 'computed root', value: computedWindowRoot },
        { label: 'document root', value: proof!.windowRoot },
      ],
    };
  });

  await run('root', async () => ({
    ok: computedWindowRoot === record!.root.toLowerCase(),
    reason: `The computed window root ${computedWindowRoot} differs from the root recorded on chain ${record!.root}.`,
    values: [
      { label: 'computed window root', value: computedWindowRoot! },
      { label: 'on-chain root', value: record!.root },
    ],
  }));

  await run('contract', async () => {
    const agreed = await sources.verifyOnChain(windowStart, proof!);
    return {
      ok: agreed,
      reason: 'DataLogger.verifyReading returned false.',
      values: [{ label: 'DataLogger.verifyReading', value: String(agreed) }],
    };
  });

  return { verified: steps.every((s) => s.status === 'pass'), steps };
}

function pathValues(siblings: Hex[], path: Hex[]): StepValue[] {
  return siblings.map((sibling, i) => ({ label: `step ${i + 1}: hash with ${short(sibling)}`, value: path[i] }));
}

export function keyTypeName(keyType: number): string {
  return keyType === KeyType.P256 ? 'ECDSA P-256' : keyType === KeyType.ED25519 ? 'Ed25519' : `unknown (${keyType})`;
}

export interface SignatureCheck {
  valid: boolean;
  method: string;
  reason?: string;
}

const verifiers = new WeakMap<SubtleCrypto, ReturnType<typeof webCryptoSignatureVerifier>>();

/**
 * Checks a meter's signature with protocol's WebCrypto adapter, under the one policy the API and
 * the DON apply (protocol/SIGNATURES.md), so the browser never refuses what the DON accepted, nor
 * the reverse. P-256: WebCrypto ECDSA/SHA-256 over the 43 reading bytes, low-S. Ed25519: over the
 * 32-byte SHA-256 digest, RFC 8032 strict; on WebCrypto only if this browser's Ed25519 gives the
 * protocol's known answers, else on @noble/curves, and `method` says which.
 */
export async function verifySignature(
  subtle: SubtleCrypto,
  keyType: number,
  publicKey: Uint8Array,
  readingBytes: Uint8Array,
  signature: Uint8Array,
): Promise<SignatureCheck> {
  if (keyType !== KeyType.P256 && keyType !== KeyType.ED25519) return { valid: false, method: 'none', reason: `Unknown key type ${keyType}.` };
  let verifier = verifiers.get(subtle);
  if (!verifier) {
    verifier = webCryptoSignatureVerifier(subtle);
    verifiers.set(subtle, verifier);
  }
  const verdict = await verifier.verify({ readingBytes, signature, key: { keyType, publicKey } });
  const method = verifier.method(keyType);
  if (verdict instanceof InvalidSignatureFormatError) return { valid: false, method, reason: verdict.shortMessage };
  return { valid: verdict, method };
}
