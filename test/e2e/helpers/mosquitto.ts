/**
 * A real mosquitto broker for a test: `/usr/sbin/mosquitto -c <conf>` on a free loopback port,
 * anonymous or with a password file (made with `mosquitto_passwd`), stopped and started again on
 * the same port when a test needs the broker to go away, and killed when the test ends.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { userInfo } from 'node:os';
import type { TempDir } from './temp-dir.js';

export const MOSQUITTO = '/usr/sbin/mosquitto';
export const MOSQUITTO_PASSWD = '/usr/bin/mosquitto_passwd';

export interface Broker {
  readonly port: number;
  /** mqtt://127.0.0.1:<port> */
  readonly url: string;
  /** The broker's own log so far (connections, wills, refusals). */
  log(): string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (the kernel's choice, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts mosquitto in `dir`; `users` (name → password) turns anonymous access off. Registers its
 * end with `t.after`.
 */
export async function startBroker(
  t: { after(fn: () => unknown): void },
  dir: TempDir,
  users?: Record<string, string>,
): Promise<Broker> {
  const port = await freePort();
  // `user`: run as root (CI), mosquitto would drop to the `mosquitto` user, which cannot read the
  // test's private temp dir; as anyone else the option is ignored.
  const lines = [
    `listener ${port} 127.0.0.1`,
    `user ${userInfo().username}`,
    'persistence false',
    'log_dest stderr',
    'log_type all',
  ];
  if (users === undefined) lines.push('allow_anonymous true');
  else {
    const file = dir.file('mosquitto.passwd');
    writeFileSync(file, '', { mode: 0o600 });
    for (const [name, password] of Object.entries(users)) {
      const made = spawnSync(MOSQUITTO_PASSWD, ['-b', file, name, password], { encoding: 'utf8' });
      if (made.status !== 0) throw new Error(`mosquitto_passwd failed: ${made.stderr}`);
    }
    lines.push('allow_anonymous false', `password_file ${file}`);
  }
  const conf = dir.file('mosquitto.conf');
  writeFileSync(conf, `${lines.join('\n')}\n`);
  let child: ChildProcess | undefined;
  let log = '';

  const broker: Broker = {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    log: () => log,
    async start() {
      const proc = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      proc.stdout?.setEncoding('utf8').on('data', (s: string) => (log += s));
      proc.stderr?.setEncoding('utf8').on('data', (s: string) => (log += s));
      const deadline = Date.now() + 10_000;
      while (!(await accepting(port))) {
        if (proc.exitCode !== null) throw new Error(`mosquitto exited (${proc.exitCode}):\n${log}`);
        if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${port}:\n${log}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop() {
      const proc = child;
      child = undefined;
      if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGTERM');
      await exited;
    },
  };
  t.after(() => broker.stop());
  await broker.start();
  return broker;
}
