// Preloaded into a spawned `bmeter serve` by bench/serve-run.ts (`node --expose-gc --import …`):
// every 5 s, after a full gc, appends { heapUsedMiB, rssMiB } as a JSON line to BENCH_MEMORY_FILE.
import { appendFileSync } from 'node:fs';
import { setInterval } from 'node:timers';

const file = process.env.BENCH_MEMORY_FILE;
if (file !== undefined && typeof globalThis.gc === 'function') {
  setInterval(() => {
    globalThis.gc();
    const m = process.memoryUsage();
    appendFileSync(file, `${JSON.stringify({ heapUsedMiB: m.heapUsed / 1048576, rssMiB: m.rss / 1048576 })}\n`);
  }, 5000).unref();
}
