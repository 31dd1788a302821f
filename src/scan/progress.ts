/**
 * Scan progress on stderr (stdout carries data only, docs/design.md §4). On a terminal: one line,
 * redrawn in place, with the duration and elapsed/expected seconds. Otherwise (cron, pipes, tests):
 * one plain line per attempt, so the log shows which durations were tried.
 */
import type { ScanProgress } from './scan.js';
import { count } from '../log/count.js';

export interface ScanProgressOptions {
  stream: NodeJS.WritableStream;
  isTTY: boolean;
  /** Redraw period on a terminal. */
  intervalMs?: number;
  clock?: () => number;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(1);

/**
 * The scan's progress reporter on `options.stream`: a line redrawn in place on a terminal (`isTTY`), else one
 * plain line per scan step (logs, pipes).
 */
export function createScanProgress(options: ScanProgressOptions): ScanProgress {
  return options.isTTY ? ttyProgress(options) : lineProgress(options);
}

/** A progress reporter that shows nothing (`--log-level silent`). */
export function silentProgress(): ScanProgress {
  return {};
}

function lineProgress({ stream }: ScanProgressOptions): ScanProgress {
  return {
    attemptStarted({ duration, index, count, expectedMs }) {
      stream.write(
        `scan: attempt ${index + 1}/${count}, duration ${duration}, about ${seconds(expectedMs)} s over 28 channels\n`,
      );
    },
    attemptEnded({ duration, found, elapsedMs }) {
      const what = found === 0 ? 'no meter answered' : `${count(found, 'PAN')} answered`;
      stream.write(`scan: duration ${duration} done in ${seconds(elapsedMs)} s: ${what}\n`);
    },
  };
}

function ttyProgress({ stream, intervalMs = 250, clock = Date.now }: ScanProgressOptions): ScanProgress {
  let timer: NodeJS.Timeout | undefined;
  let drawn = false;
  const stop = (): void => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
  const clear = (): void => {
    if (drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  return {
    attemptStarted({ duration, index, count, expectedMs }) {
      stop();
      const started = clock();
      const draw = (): void => {
        const elapsed = Math.min(clock() - started, expectedMs);
        stream.write(
          `\r\x1b[2Kscanning: duration ${duration} (attempt ${index + 1}/${count}) ${seconds(elapsed)}/${seconds(expectedMs)} s`,
        );
        drawn = true;
      };
      draw();
      timer = setInterval(draw, intervalMs);
      timer.unref();
    },
    attemptEnded() {
      stop();
    },
    finished() {
      stop();
      clear();
    },
  };
}
