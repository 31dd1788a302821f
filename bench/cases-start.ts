/**
 * Start-up: `bmeter --version`, and the time until `bmeter poll` writes its first byte to the
 * port (a tiny TCP server records it, then closes), each against a bare `node -e 0` measured in
 * the same run, interleaved so that machine load hits all three alike.
 */
import { createServer, type Server } from 'node:net';
import { performance } from 'node:perf_hooks';
import { type BenchContext, expectOk } from './lib/context.js';
import { runBmeter, runTimed } from './lib/spawn.js';
import { figure, type Figure } from './lib/stats.js';

export interface StartFigures {
  nodeMs: Figure;
  versionMs: Figure;
  helpMs: Figure;
  firstByteMs: Figure;
  versionRatio: Figure;
  firstByteRatio: Figure;
}

interface ByteServer {
  port: number;
  /** Resolves with performance.now() of the first byte of the next connection. */
  nextFirstByte(): Promise<number>;
  close(): Promise<void>;
}

async function byteServer(): Promise<ByteServer> {
  let waiter: ((t: number) => void) | undefined;
  const server: Server = createServer((socket) => {
    socket.once('data', () => {
      const t = performance.now();
      waiter?.(t);
      waiter = undefined;
      socket.destroy();
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr !== null ? addr.port : 0,
    nextFirstByte: () => new Promise((resolve) => (waiter = resolve)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function startCases(ctx: BenchContext): Promise<StartFigures> {
  const server = await byteServer();
  const node: number[] = [];
  const version: number[] = [];
  const help: number[] = [];
  const firstByte: number[] = [];
  const versionRatio: number[] = [];
  const firstByteRatio: number[] = [];
  try {
    for (let i = 0; i <= ctx.runs; i++) {
      const warmUp = i === 0;
      const bare = await runTimed(process.execPath, ['-e', '0'], { env: ctx.env, cwd: ctx.tmp });
      const v = await runBmeter(ctx.bin, ['--version'], { env: ctx.env, cwd: ctx.tmp });
      expectOk('bmeter --version', v);
      const h = await runBmeter(ctx.bin, ['--help'], { env: ctx.env, cwd: ctx.tmp });
      expectOk('bmeter --help', h);
      const byte = server.nextFirstByte();
      const t0 = performance.now();
      const p = runBmeter(ctx.bin, ['poll', '--port', `tcp://127.0.0.1:${server.port}`], {
        env: ctx.env,
        cwd: ctx.tmp,
        timeoutMs: 20_000,
      });
      const firstMs = (await byte) - t0;
      await p; // exits with a port error once the server closes the connection
      if (warmUp) continue;
      node.push(bare.exitMs);
      version.push(v.exitMs);
      help.push(h.exitMs);
      firstByte.push(firstMs);
      versionRatio.push(v.exitMs / bare.exitMs);
      firstByteRatio.push(firstMs / bare.exitMs);
    }
  } finally {
    await server.close();
  }
  ctx.log(
    `node -e 0: ${node.map((x) => x.toFixed(0)).join(', ')} ms; --version: ${version.map((x) => x.toFixed(0)).join(', ')} ms; first byte: ${firstByte.map((x) => x.toFixed(0)).join(', ')} ms`,
  );
  return {
    nodeMs: figure(node, 'ms'),
    versionMs: figure(version, 'ms'),
    helpMs: figure(help, 'ms'),
    firstByteMs: figure(firstByte, 'ms'),
    versionRatio: figure(versionRatio, '×'),
    firstByteRatio: figure(firstByteRatio, '×'),
  };
}
