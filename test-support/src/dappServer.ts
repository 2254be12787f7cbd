import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain',
};

export interface ServeDappParameters {
  /** The static build (dapp/build). */
  dir: string;
  /** 0 or omitted: a free port. */
  port?: number;
  /** Served as `<prefix>config.json`. */
  config: Record<string, unknown>;
  /** Where the build lives, e.g. `/ipfs/<cid>/` as a gateway serves a directory (default `/`); other paths are 404. */
  prefix?: string;
}

export interface ServeDappReturnType {
  /** The app: origin + prefix. */
  url: string;
  server: Server;
}

/**
 * Serves the static dApp build with a runtime `config.json` (the build itself holds no
 * addresses, so the same bytes work from IPFS against any deployment).
 *
 * @example
 * const { url, server } = await serveDapp({ dir: 'dapp/build', prefix: '/ipfs/bafy…/', config: { chainId: 31337 } });
 */
export function serveDapp({ dir, port = 0, config, prefix = '/' }: ServeDappParameters): Promise<ServeDappReturnType> {
  if (!prefix.startsWith('/') || !prefix.endsWith('/')) throw new Error(`serveDapp: prefix must start and end with "/" (got ${prefix})`);
  const configBody = JSON.stringify(config, null, 2);
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith(prefix)) return void res.writeHead(404).end('not found');
    const rel = path.slice(prefix.length - 1); // keeps the leading "/"
    if (rel === '/config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(configBody);
      return;
    }
    let file = normalize(join(dir, rel));
    if (!file.startsWith(normalize(dir))) return void res.writeHead(403).end();
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
    } catch {
      file = join(dir, 'index.html'); // hash router: every unknown path is the app
    }
    try {
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(await readFile(file));
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}${prefix}`, server }));
  });
}
