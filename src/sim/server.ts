/**
 * `bmeter simulate`'s servers: one SimStick shared by every client connection (it keeps its
 * registers and PANA session between runs, like a powered stick), reachable over TCP
 * (ser2net-like) or over a pseudo-terminal pair made by socat, so that the client's real
 * serialport stack is exercised end to end. The sim end of the pty is driven with plain
 * tty/fs I/O, never with the serialport package (that one is the client's).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { constants, existsSync, openSync, closeSync, write } from 'node:fs';
import { type Server, type Socket, createServer } from 'node:net';
import { ReadStream } from 'node:tty';
import { BmeterError } from '../errors.js';
import { type SimOptions } from './options.js';
import { claimPtyPath } from './pty-claim.js';
import { SimStick } from './stick.js';

export interface SimServeOptions {
  /** Options for a new stick, ignored when `stick` is given. */
  sim?: Partial<SimOptions>;
  /** An existing stick to serve (not disposed by close()). */
  stick?: SimStick;
  /** socat binary (default /usr/bin/socat, else `socat` on PATH). */
  socat?: string;
}

export interface SimServer {
  /** Where clients connect: `tcp://127.0.0.1:4000` or the pty path. */
  readonly address: string;
  readonly stick: SimStick;
  close(): Promise<void>;
}

function stickFor(options: SimServeOptions): { stick: SimStick; owned: boolean } {
  return options.stick !== undefined
    ? { stick: options.stick, owned: false }
    : { stick: new SimStick(options.sim ?? {}), owned: true };
}

/** Listens on `tcp://host:port` (port 0 = any free port). A new connection replaces the old one. */
export async function serveTcp(url: string, options: SimServeOptions = {}): Promise<SimServer> {
  const m = /^tcp:\/\/(\[[^\]]+\]|[^:/]+):(\d{1,5})\/?$/.exec(url);
  if (!m || Number(m[2]) > 65535)
    throw new BmeterError('USAGE', `--listen expects tcp://host:port (port 0–65535), got "${url}"`);
  const host = (m[1] ?? '').replace(/^\[|\]$/g, '');
  const { stick, owned } = stickFor(options);
  let current: { socket: Socket; detach: () => void } | null = null;
  const server: Server = createServer((socket) => {
    current?.socket.destroy();
    socket.setNoDelay(true);
    const detach = stick.attach((chunk) => socket.write(chunk));
    const mine = { socket, detach };
    current = mine;
    socket.on('data', (data) => stick.write(data));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      detach();
      if (current === mine) current = null;
    });
  });
  await new Promise<void>((resolve, reject) => {
    // As serve's --listen (src/serve/http/server.ts): the address is the user's choice, a usage error (exit 2).
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'the address is in use (another bmeter simulate?)' : err.message;
      reject(new BmeterError('USAGE', `cannot listen on ${url}: ${why}; choose another --listen`, { cause: err }));
    });
    server.listen(Number(m[2]), host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : Number(m[2]);
  return {
    address: `tcp://${host.includes(':') ? `[${host}]` : host}:${port}`,
    stick,
    async close() {
      current?.socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (owned) stick.dispose();
    },
  };
}

async function waitFor(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new BmeterError('PORT', what());
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Creates `path` (for the client) and `path.sim` (for the simulator) with
 * `socat -d -d pty,raw,echo=0,link=<path> pty,raw,echo=0,link=<path>.sim`, after claiming both
 * (pty-claim.ts): an existing file there is refused (USAGE), never replaced.
 */
export async function servePty(path: string, options: SimServeOptions = {}): Promise<SimServer> {
  const socatBin = options.socat ?? (existsSync('/usr/bin/socat') ? '/usr/bin/socat' : 'socat');
  const simPath = `${path}.sim`;
  // socat would unlink whatever is at path: claim it first (pty-claim.ts).
  const release = claimPtyPath(path);
  const socat: ChildProcess = spawn(
    socatBin,
    ['-d', '-d', `pty,raw,echo=0,link=${path}`, `pty,raw,echo=0,link=${simPath}`],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let log = '';
  let exited = false;
  socat.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-2000);
  });
  socat.on('exit', () => {
    exited = true;
  });
  socat.on('error', (err) => {
    exited = true;
    log += `\n${err.message}`;
  });
  const flags = constants.O_RDWR | constants.O_NOCTTY;
  let simFd: number | undefined;
  let holdFd: number;
  try {
    await waitFor(
      () => exited || (existsSync(path) && existsSync(simPath) && log.includes('starting data transfer')),
      5000,
      () => `socat did not create ${path}: ${log.trim() || 'no output'}`,
    );
    if (exited)
      throw new BmeterError(
        'PORT',
        `socat failed to create ${path}: ${log.trim() || 'it exited'} (is socat installed?)`,
      );
    simFd = openSync(simPath, flags);
    // Holding the client side open keeps socat from seeing a hangup (and exiting) each time a
    // client closes the port, so the stick survives across client runs.
    holdFd = openSync(path, flags | constants.O_NONBLOCK);
  } catch (err) {
    // Not left running (and holding the process open) when the pty pair is unusable.
    if (!exited) socat.kill('SIGTERM');
    if (simFd !== undefined) closeSync(simFd);
    release();
    if (err instanceof BmeterError) throw err;
    throw new BmeterError('PORT', `cannot open the pty pair ${path}: ${(err as Error).message}`, { cause: err });
  }

  const { stick, owned } = stickFor(options);
  const input = new ReadStream(simFd);
  input.on('data', (d: Buffer | string) => stick.write(typeof d === 'string' ? Buffer.from(d, 'latin1') : d));
  input.on('error', () => undefined);
  let writing = Promise.resolve();
  const detach = stick.attach((chunk) => {
    const copy = Buffer.from(chunk);
    writing = writing.then(() => new Promise<void>((resolve) => write(simFd, copy, () => resolve())));
  });
  return {
    address: path,
    stick,
    async close() {
      detach();
      input.destroy();
      await writing;
      if (!exited) {
        const gone = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
        socat.kill('SIGTERM');
        await gone;
      }
      for (const fd of [simFd, holdFd]) {
        try {
          closeSync(fd);
        } catch {
          /* already closed */
        }
      }
      release();
      if (owned) stick.dispose();
    },
  };
}
