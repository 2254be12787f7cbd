import { GridProofError } from '@gridproof/protocol';

/** Why reading the chain failed; callers match on the code, never on the message. */
export type ChainErrorCode =
  /** A parameter is out of range (page size, confirmation depth, block numbers). */
  | 'INVALID_INDEXER_PARAMETERS'
  /** The address has no contract code at the head, so its deployment block cannot be found. */
  | 'NO_CONTRACT_CODE'
  /** `eth_getLogs` failed even for a one-block range. */
  | 'GET_LOGS_FAILED'
  /** A query asked for an event list the indexer was not given the contract address of. */
  | 'CONTRACT_NOT_INDEXED';

export class ChainError extends GridProofError<ChainErrorCode> {
  override name = 'ChainError' as const;
}
