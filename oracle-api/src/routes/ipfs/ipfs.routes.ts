export const ipfsPaths = { block: '/ipfs/:cid' } as const;

export const RAW_BLOCK_TYPE = 'application/vnd.ipld.raw';
export const DAG_JSON_TYPE = 'application/vnd.ipld.dag-json';
/** multicodec dag-json. */
export const DAG_JSON_CODEC = 0x0129;
