import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { DEVICE_ID_PATTERN } from '@gridproof/protocol';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ServiceContext } from '../context.js';
import type { NewReadingRow } from '../db/schema/index.js';
import { readingOut } from '../lib/readingOut.js';

export const LIVE_PATH = '/v1/live';
/** Most device ids one socket may follow. */
export const MAX_SUBSCRIPTIONS = 1000;

/** What a live subscriber gets per accepted reading (`readingOut`: no owner data can reach the stream). */
export function liveMessageOf(r: NewReadingRow) {
  return { type: 'reading' as const, reading: readingOut(r) };
}

export interface LiveReadings {
  /** Open sockets. */
  readonly sockets: number;
  close(): Promise<void>;
}

const errorMessage = (code: string, message: string, details?: Record<string, unknown>) =>
  JSON.stringify({ type: 'error', error: { code, message, ...(details ? { details } : {}) } });

/**
 * `GET /v1/live` (WebSocket). The client sends `{"subscribe": ["SOLR_0001", …]}` (and
 * `{"unsubscribe": […]}`); or opens `/v1/live?devices=SOLR_0001,WIND_0002`. The server pushes
 * `{"type":"reading","reading":{…}}` for every reading of those devices right after its commit,
 * confirms each change with `{"type":"subscribed","devices":[…]}` and answers bad messages with
 * `{"type":"error","error":{"code","message"}}` (the socket stays open).
 */
export function attachLiveReadings(server: Server, ctx: ServiceContext): LiveReadings {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const followers = new Map<string, Set<WebSocket>>();

  const onReadings = (rows: NewReadingRow[]) => {
    for (const r of rows) {
      const sockets = followers.get(r.deviceId);
      if (!sockets) continue;
      const text = JSON.stringify(liveMessageOf(r));
      for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
    }
  };
  ctx.events.on('readings', onReadings);

  function follow(ws: WebSocket, own: Set<string>, ids: unknown, on: boolean): string | undefined {
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string' || !DEVICE_ID_PATTERN.test(id)))
      return 'device ids must be an array of XXXX_ZZZZ strings';
    if (on && own.size + ids.length > MAX_SUBSCRIPTIONS) return `a socket follows at most ${MAX_SUBSCRIPTIONS} devices`;
    for (const id of ids as string[]) {
      if (on) {
        own.add(id);
        if (!followers.has(id)) followers.set(id, new Set());
        followers.get(id)!.add(ws);
      } else {
        own.delete(id);
        followers.get(id)?.delete(ws);
        if (followers.get(id)?.size === 0) followers.delete(id);
      }
    }
    return undefined;
  }

  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    const own = new Set<string>();
    const initial = new URL(req.url ?? '/', 'http://localhost').searchParams.get('devices');
    if (initial) {
      const problem = follow(ws, own, initial.split(','), true);
      if (problem) ws.send(errorMessage('INVALID_SUBSCRIPTION', problem));
    }
    ws.send(JSON.stringify({ type: 'subscribed', devices: [...own].sort() }));
    ws.on('message', (data, isBinary) => {
      let msg: { subscribe?: unknown; unsubscribe?: unknown };
      try {
        if (isBinary) throw new Error('binary');
        msg = JSON.parse(data.toString());
        if (typeof msg !== 'object' || msg === null || (msg.subscribe === undefined && msg.unsubscribe === undefined)) throw new Error('shape');
      } catch {
        ws.send(errorMessage('MALFORMED_MESSAGE', 'Send JSON text: {"subscribe": ["XXXX_ZZZZ", …]} or {"unsubscribe": […]}.'));
        return;
      }
      const problem =
        (msg.subscribe !== undefined ? follow(ws, own, msg.subscribe, true) : undefined) ??
        (msg.unsubscribe !== undefined ? follow(ws, own, msg.unsubscribe, false) : undefined);
      if (problem) ws.send(errorMessage('INVALID_SUBSCRIPTION', problem));
      else ws.send(JSON.stringify({ type: 'subscribed', devices: [...own].sort() }));
    });
    ws.on('close', () => follow(ws, own, [...own], false));
  });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== LIVE_PATH) {
      socket.end(
        'HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"error":{"code":"NOT_FOUND","message":"WebSocket endpoint is /v1/live."}}',
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', onUpgrade);

  return {
    get sockets() {
      return wss.clients.size;
    },
    async close() {
      ctx.events.off('readings', onReadings);
      server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
