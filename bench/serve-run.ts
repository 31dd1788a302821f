/**
 * `bmeter serve` itself, as a user runs it (the bundle on a Node with node:sqlite), against
 * `bmeter simulate --listen` in its own process (timeScale 0.001, 1 ms round trip) at a 20 ms
 * interval for `seconds`: readings taken (serve's own count, logged at exit) against rows
 * committed, and the serve process's RSS from /proc every 5 s plus heap and RSS after a full gc
 * (bench/lib/memory-probe.mjs). Prints JSON. `node bench/serve-run.ts <node> <root> <dir> [seconds]`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface ServeRunResult {
  seconds: number;
  taken: number;
  printed: number;
  committed: number;
  /** VmRSS every 5 s, as the OS sees the process. */
  rssMiB: number[];
  /** heapUsed and RSS after a full gc every 5 s (bench/lib/memory-probe.mjs preloaded). */
  afterGc: { heapUsedMiB: number; rssMiB: number }[];
}

const [node = process.execPath, root = '.', dir = '.', secondsArg = '60'] = process.argv.slice(2);
const seconds = Number(secondsArg);
const bin = join(root, 'bin', 'bmeter.js');
const free = await new Promise<number>((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const address = probe.address();
    probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
  });
});
const port = `tcp://127.0.0.1:${free}`;
const sim = spawn(node, [bin, 'simulate', '--listen', port, '--time-scale', '0.001', '--rtt-ms', '1'], {
  stdio: ['ignore', 'ignore', 'pipe'],
});
await new Promise<void>((resolve, reject) => {
  let text = '';
  sim.stderr.setEncoding('utf8').on('data', (c: string) => {
    text += c;
    if (text.includes(String(free))) resolve();
  });
  sim.on('close', () => reject(new Error(`simulate exited: ${text}`)));
});
const env = {
  PATH: process.env['PATH'] ?? '/usr/bin:/bin',
  HOME: dir,
  BMETER_ROUTEB_ID: '00000000000000000000DEM0B0000001',
  BMETER_ROUTEB_PASSWORD: 'DEM0PASSW0RD',
  BMETER_SCAN_FILE: join(dir, 'serve-run.scan.json'),
};
const scan = spawnSync(node, [bin, 'scan', '--port', port], { env, cwd: dir, encoding: 'utf8' });
if (scan.status !== 0) throw new Error(`scan failed: ${scan.stderr}`);
const db = join(dir, 'serve-run.db');
for (const file of [db, `${db}-wal`, `${db}-shm`, `${db}.lock`]) rmSync(file, { force: true });
const memoryFile = join(dir, 'serve-run.memory.jsonl');
rmSync(memoryFile, { force: true });
const probe = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'lib', 'memory-probe.mjs')).href;
const child = spawn(
  node,
  [
    '--expose-gc',
    '--import',
    probe,
    bin,
    'serve',
    '--port',
    port,
    '--db',
    db,
    '--interval',
    '0.02',
    '--history-days',
    '1',
    '--listen',
    '127.0.0.1:0',
    '-v',
  ],
  {
    env: { ...env, BENCH_MEMORY_FILE: memoryFile },
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
let printed = 0;
let stderr = '';
child.stdout.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk.split('\n').length - 1));
child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
const rssMiB: number[] = [];
const rss = (): number =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
for (let s = 5; s <= seconds; s += 5) {
  await new Promise((r) => setTimeout(r, 5000));
  rssMiB.push(rss());
}
const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
child.kill('SIGTERM');
const code = await exit;
sim.kill('SIGTERM');
if (code !== 0) throw new Error(`serve exited ${code}:\n${stderr.slice(-2000)}`);
const stopped = stderr.split('\n').find((l) => l.includes('serve stopped'));
const taken = Number((JSON.parse(stopped ?? '{}') as { readings?: number }).readings ?? NaN);
const count = spawnSync(
  node,
  [
    '-e',
    `const {DatabaseSync}=require('node:sqlite');const d=new DatabaseSync(${JSON.stringify(db)});process.stdout.write(String(d.prepare("SELECT COUNT(*) n FROM readings WHERE source='poll'").get().n))`,
  ],
  { encoding: 'utf8' },
);
const afterGc = existsSync(memoryFile)
  ? readFileSync(memoryFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { heapUsedMiB: number; rssMiB: number })
  : [];
const result: ServeRunResult = { seconds, taken, printed, committed: Number(count.stdout), rssMiB, afterGc };
process.stdout.write(`${JSON.stringify(result)}\n`);
