/**
 * Poll figures against a realistic stick (meter round trip rttMs = 1000, timeScale = 1):
 * SKSENDTO per reading, one --interval reading against the round trip, cron runs on a kept
 * session and on one that must join, and the peak RSS of a poll.
 */
import { type BenchContext, expectOk } from './lib/context.js';
import { runBmeter } from './lib/spawn.js';
import { startSimHost } from './lib/sim-host.js';
import { figure, type Figure } from './lib/stats.js';

export const RTT_MS = 1000;

export interface PollFigures {
  sendTosPerReadingInterval: Figure;
  sendTosPerCronKept: Figure;
  sendTosPerCronJoin: Figure;
  intervalReadingRatio: Figure;
  intervalReadingMs: Figure;
  cronKeptMs: Figure;
  cronJoinMs: Figure;
  pollMaxRssMiB: Figure;
}

/** Writes the scan file once, against a fast stick (its content does not depend on timing). */
export async function makeScanFile(ctx: BenchContext): Promise<void> {
  const host = await startSimHost(ctx.root, { timeScale: 0.01 });
  try {
    const run = await runBmeter(ctx.bin, ['scan', '--port', host.port, '--log-level', 'silent'], {
      env: ctx.env,
      cwd: ctx.tmp,
    });
    expectOk('bmeter scan (scan file)', run);
  } finally {
    await host.close();
  }
}

export async function pollCases(ctx: BenchContext): Promise<PollFigures> {
  const host = await startSimHost(ctx.root, { rttMs: RTT_MS, timeScale: 1 });
  const poll = (extra: string[] = [], rss = false) =>
    runBmeter(ctx.bin, ['poll', '--port', host.port, '--format', 'json', ...extra], {
      env: ctx.env,
      cwd: ctx.tmp,
      measureRss: rss,
    });
  try {
    const joinMs: number[] = [];
    const joinSends: number[] = [];
    for (let i = 0; i < ctx.runs; i++) {
      host.powerCycle();
      host.resetCount();
      const run = await poll();
      expectOk('cron poll (join)', run);
      joinMs.push(run.firstLineMs ?? NaN);
      joinSends.push(host.sendTos());
    }
    ctx.log(`cron poll with a join: ${joinMs.map((x) => x.toFixed(0)).join(', ')} ms`);

    const keptMs: number[] = [];
    const keptSends: number[] = [];
    for (let i = 0; i < ctx.runs; i++) {
      host.resetCount();
      const run = await poll();
      expectOk('cron poll (kept session)', run);
      keptMs.push(run.firstLineMs ?? NaN);
      keptSends.push(host.sendTos());
    }
    ctx.log(`cron poll on the kept session: ${keptMs.map((x) => x.toFixed(0)).join(', ')} ms`);

    const rss: number[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await poll([], true);
      expectOk('cron poll (RSS)', run);
      if (run.maxRssKiB !== undefined) rss.push(run.maxRssKiB / 1024);
    }

    // --interval: the reading's start is its 'Get' debug line (the scheduler fires, the Get
    // frame is built and SKSENDTO written right after it); its end is the record on stdout.
    const readings = 6;
    host.resetCount();
    const run = await poll(['--interval', '2', '--count', String(readings), '-vv']);
    expectOk('poll --interval', run);
    const gets = run.stderr
      .split('\n')
      .filter((l) => l.includes('"msg":"Get"'))
      .map((l) => Date.parse((JSON.parse(l) as { time: string }).time));
    const spans: number[] = [];
    run.lines.forEach((line, k) => {
      const get = gets[k];
      if (k === 0 || get === undefined) return; // the first reading may include the join
      spans.push(line.at - get);
    });
    ctx.log(`--interval readings: ${spans.map((x) => x.toFixed(0)).join(', ')} ms`);
    return {
      sendTosPerReadingInterval: figure([host.sendTos() / run.lines.length], 'SKSENDTO'),
      sendTosPerCronKept: figure(keptSends, 'SKSENDTO'),
      sendTosPerCronJoin: figure(joinSends, 'SKSENDTO'),
      intervalReadingRatio: figure(
        spans.map((s) => s / RTT_MS),
        '×',
      ),
      intervalReadingMs: figure(spans, 'ms'),
      cronKeptMs: figure(keptMs, 'ms'),
      cronJoinMs: figure(joinMs, 'ms'),
      pollMaxRssMiB: figure(rss, 'MiB'),
    };
  } finally {
    await host.close();
  }
}
