/**
 * The client side of the control socket (`ebpf prog list --socket PATH`): sends one request,
 * reads one response line, with a timeout. Node only.
 */
import { createConnection } from 'node:net';
import { EbpfError } from '@ebpf/core';
import type { ControlOp, ControlResponse } from './protocol.js';

/**
 * Sends `op` (with an optional target id) to the application listening on `path`.
 * @returns the response's result.
 * @throws {@link @ebpf/core!EbpfError} (`RUNTIME`) when nobody listens, the answer is an error, or the
 * request times out.
 */
export function controlRequest(path: string, op: ControlOp, target?: number, timeoutMs = 5000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(path);
    let buf = '';
    const done = (err: Error | undefined, value?: unknown) => {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(value);
    };
    const timer = setTimeout(() => done(new EbpfError('RUNTIME', `control socket ${path}: no answer within ${timeoutMs} ms`)), timeoutMs);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(JSON.stringify({ id: 1, op, ...(target !== undefined ? { target } : {}) }) + '\n'));
    sock.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      let res: ControlResponse;
      try {
        res = JSON.parse(buf.slice(0, nl)) as ControlResponse;
      } catch {
        done(new EbpfError('RUNTIME', `control socket ${path}: the answer is not JSON`));
        return;
      }
      if (res.ok) done(undefined, res.result);
      else done(new EbpfError('RUNTIME', `${op}: ${res.error}`));
    });
    sock.on('error', (e: NodeJS.ErrnoException) =>
      done(new EbpfError('RUNTIME', `control socket ${path}: ${e.code === 'ENOENT' || e.code === 'ECONNREFUSED' ? 'no traced application is listening there' : e.message}`)),
    );
  });
}
