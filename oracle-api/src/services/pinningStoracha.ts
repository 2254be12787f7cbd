import { CarWriter } from '@ipld/car';
import * as Storacha from '@storacha/client';
import { Signer } from '@storacha/client/principal/ed25519';
import * as Proof from '@storacha/client/proof';
import {
  accessServiceConnection,
  filecoinServiceConnection,
  gatewayServiceConnection,
  receiptsEndpoint,
  uploadServiceConnection,
} from '@storacha/client/service';
import { StoreMemory } from '@storacha/client/stores/memory';
import type { CID } from 'multiformats/cid';
import type { RemotePinner } from './pinning.js';

export interface StorachaPinnerConfig {
  /** The agent's Ed25519 private key (`Mg…`, from `storacha key create`): STORACHA_KEY. */
  key: string;
  /** A base64 UCAN delegation from the space to that agent with space/blob/add, space/index/add, upload/add, filecoin/offer: STORACHA_PROOF. */
  proof: string;
  /** The upload service (default https://up.storacha.network); another URL for a self-hosted service or a local stand-in. */
  serviceUrl?: URL;
  /** Its DID (default did:web:up.storacha.network). */
  serviceDid?: `did:${string}:${string}`;
  /** Where receipts are polled (default the client's); follow serviceUrl when that is given. */
  receiptsUrl?: URL;
}

/**
 * Pins a block to Storacha with `@storacha/client`: packs it as a one-block CAR whose root is the block's CID, and
 * `uploadCAR`s it into the space the proof grants, so Storacha lists the upload under the same CIDv1 the API serves.
 * @example const remotePinner = await createStorachaPinner({ key: env.STORACHA_KEY, proof: env.STORACHA_PROOF })
 */
export async function createStorachaPinner(config: StorachaPinnerConfig): Promise<RemotePinner> {
  const principal = Signer.parse(config.key);
  const custom = config.serviceUrl !== undefined;
  const id = config.serviceDid ? (await import('@ipld/dag-ucan/did')).parse(config.serviceDid) : undefined;
  const connection = { ...(custom ? { url: config.serviceUrl } : {}), ...(id ? { id } : {}) };
  const client = await Storacha.create({
    principal,
    store: new StoreMemory(),
    ...(custom || id
      ? {
          serviceConf: {
            access: accessServiceConnection(connection),
            upload: uploadServiceConnection(connection),
            filecoin: filecoinServiceConnection(connection),
            gateway: gatewayServiceConnection(connection),
          },
          receiptsEndpoint: config.receiptsUrl ?? (custom ? new URL('/receipt/', config.serviceUrl) : new URL(receiptsEndpoint)),
        }
      : {}),
  });
  const space = await client.addSpace(await Proof.parse(config.proof));
  await client.setCurrentSpace(space.did());
  return {
    name: 'storacha',
    async pin(cid: CID, bytes: Uint8Array) {
      const car = await oneBlockCar(cid, bytes);
      const root = await client.uploadCAR(new Blob([car as Uint8Array<ArrayBuffer>]), { retries: 0 });
      if (root.toString() !== cid.toString()) throw new Error(`Storacha recorded root ${root}, expected ${cid}.`);
    },
  };
}

/** A CARv1 with one root and one block. */
export async function oneBlockCar(cid: CID, bytes: Uint8Array): Promise<Uint8Array> {
  // @ipld/car types its CID from its own copy of multiformats; the value is the same class of object.
  const { writer, out } = CarWriter.create([cid as never]);
  const chunks: Uint8Array[] = [];
  const collected = (async () => {
    for await (const chunk of out) chunks.push(chunk);
  })();
  await writer.put({ cid: cid as never, bytes });
  await writer.close();
  await collected;
  const car = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    car.set(c, offset);
    offset += c.length;
  }
  return car;
}
