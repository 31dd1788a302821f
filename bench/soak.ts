/**
 * Soak: 10,000 readings in one process against the fast in-process simulator (rttMs 1,
 * timeScale 0.001) with 5 % of the ECHONET requests faulted — dropped replies, EVENT 29
 * (session lifetime expiry + re-auth), Get_SNA (E8 not given) and garbage lines, in equal parts,
 * at seeded request numbers. Run as its own process (`node --expose-gc --import tsx
 * bench/soak.ts <root> <scan-file> [readings]`) so its memory figures are its own; prints JSON.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { countSendTos } from './lib/sim-host.js';

type PollModule = typeof import('../src/poll/poll.js');
type RecordModule = typeof import('../src/meter/record.js');
type ConfigModule = typeof import('../src/config/config.js');
type CredentialsModule = typeof import('../src/config/credentials.js');
type LoggerModule = typeof import('../src/log/logger.js');
type SimTransportModule = typeof import('../src/sim/transport.js');

export interface MemorySample {
  readings: number;
  heapUsedMiB: number;
  rssMiB: number;
}

export interface SoakResult {
  readings: number;
  records: number;
  failed: number;
  partial: number;
  faults: Record<string, number>;
  requests: number;
  wallMs: number;
  cpuMsPerReading: number;
  memory: MemorySample[];
  successRate: number;
}

const FAULT_KINDS = ['drop', 'event29', 'sna:E8', 'garbage'] as const;

/** Seeded request numbers (2 … 1.05 × readings) for `rate` of them, kinds in turn. */
export function faultSchedule(
  readings: number,
  rate: number,
  seed = 7,
): { spec: string; counts: Record<string, number> } {
  let s = seed >>> 0;
  const random = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const total = Math.round(readings * rate);
  const picked = new Set<number>();
  while (picked.size < total) picked.add(2 + Math.floor(random() * (readings - 1)));
  const counts: Record<string, number> = {};
  const items = [...picked]
    .sort((a, b) => a - b)
    .map((n, i) => {
      const kind = FAULT_KINDS[i % FAULT_KINDS.length] ?? 'drop';
      counts[kind] = (counts[kind] ?? 0) + 1;
      return `${kind}@${n}`;
    });
  return { spec: items.join(','), counts };
}

function sample(readings: number): MemorySample {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { readings, heapUsedMiB: m.heapUsed / 2 ** 20, rssMiB: m.rss / 2 ** 20 };
}

export async function soak(root: string, scanFile: string, readings: number): Promise<SoakResult> {
  const url = (p: string) => pathToFileURL(join(root, 'dist', p)).href;
  const { runPoll } = (await import(url('poll/poll.js'))) as PollModule;
  const { parsePropertyList } = (await import(url('meter/record.js'))) as RecordModule;
  const { loadConfig } = (await import(url('config/config.js'))) as ConfigModule;
  const { requireCredentials } = (await import(url('config/credentials.js'))) as CredentialsModule;
  const { createLogger } = (await import(url('log/logger.js'))) as LoggerModule;
  const sim = (await import(url('sim/transport.js'))) as SimTransportModule;

  const schedule = faultSchedule(readings, 0.05);
  const stick = new sim.SimStick({
    rttMs: 1,
    timeScale: 0.001,
    faults: (await import(url('sim/faults.js'))).parseFaults(schedule.spec),
  });
  const sends = countSendTos(stick);
  const env = {
    BMETER_ROUTEB_ID: sim.SIM_DEMO_ROUTEB_ID,
    BMETER_ROUTEB_PASSWORD: sim.SIM_DEMO_PASSWORD,
    BMETER_SCAN_FILE: scanFile,
  };
  const config = loadConfig({ flags: { port: 'sim://bench' }, env, cwd: process.cwd() });
  config.timeouts.responseMs = 100; // a dropped reply is retried after 100 ms (the sim answers in ~1 ms)
  const memory: MemorySample[] = [];
  let records = 0;
  let partial = 0;
  const checkpoints = new Set([1000, 2000, 5000, readings].filter((n) => n <= readings));
  const sink = {
    closed: false,
    async write(record: Record<string, unknown>): Promise<void> {
      if (record['source'] !== 'poll') return;
      records += 1;
      if (record['current_r_a'] === null) partial += 1;
      if (checkpoints.has(records)) memory.push(sample(records));
    },
  };
  const abort = new AbortController();
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  const summary = await runPoll({
    config,
    creds: requireCredentials(config),
    properties: parsePropertyList(config.poll.properties),
    intervalSeconds: 0,
    count: readings,
    sink,
    logger: createLogger({ level: 'warn', destination: { write: () => true } }),
    signal: abort.signal,
    now: () => new Date(),
    openPort: async () => sim.attachSimTransport(stick, 'sim://bench', false),
    joinBackoffMs: 10,
  });
  const wallMs = Date.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  stick.dispose();
  return {
    readings,
    records,
    failed: summary.failed,
    partial,
    faults: schedule.counts,
    requests: sends.count(),
    wallMs,
    cpuMsPerReading: (cpu.user + cpu.system) / 1000 / readings,
    memory,
    successRate: records / readings,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [root = process.cwd(), scanFile = '', count = '10000'] = process.argv.slice(2);
  const result = await soak(root, scanFile, Number(count));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
