/**
 * The control socket a traced application opens (`tracer.listen(path)`): a Unix domain socket
 * with owner-only permissions (created under umask 0177, then chmod 0600), answering the
 * line-delimited JSON protocol of `protocol.ts`. A stale socket file (nobody listening) is
 * replaced; a live one is an error. Node only.
 */
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { EbpfError } from '@ebpf/core';
import type { Tracer } from '../tracer.js';
import { handleControl, type ControlRequest } from './protocol.js';

/** A listening control socket. */
export interface ControlServer {
  readonly path: string;
  /** Stops listening and removes the socket file. */
  close(): Promise<void>;
}

/** Longest request line accepted (bytes). */
const MAX_LINE = 64 * 1024;

function isLive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection(path);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/**
 * Listens on `path` for control requests answered from `tracer`.
 * @throws {@link @ebpf/core!EbpfError} (`USAGE`) when the path is taken by a live socket or another file.
 */
export async function listenControl(tracer: Tracer, path: string): Promise<ControlServer> {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    st = undefined;
  }
  if (st) {
    if (!st.isSocket()) throw new EbpfError('USAGE', `control socket ${path}: a file that is not a socket is in the way`);
    if (await isLive(path)) throw new EbpfError('USAGE', `control socket ${path}: another process is listening there`);
    unlinkSync(path);
  }
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    sock.setEncoding('utf8');
    let buf = '';
    sock.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > MAX_LINE && !buf.includes('\n')) {
        sock.end(JSON.stringify({ ok: false, error: 'request line too long' }) + '\n');
        return;
      }
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        let req: ControlRequest;
        try {
          req = JSON.parse(line) as ControlRequest;
        } catch {
          sock.write(JSON.stringify({ ok: false, error: 'request is not JSON' }) + '\n');
          continue;
        }
        sock.write(JSON.stringify(handleControl(tracer, req)) + '\n');
      }
    });
    sock.on('error', () => sock.destroy());
    sock.on('close', () => sockets.delete(sock));
  });
  const old = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    process.umask(old);
  }
  chmodSync(path, 0o600);
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          try {
            unlinkSync(path);
          } catch {
            // already gone
          }
          resolve();
        });
      }),
  };
}
