/**
 * What the end-to-end suite runs against, chosen once for every test (node-serialport's contract
 * suite does the same): the built-in simulator behind a socat pty by default (`bmeter simulate --pty`
 * run in the test process, helpers/simulator-in-process.ts), or a real stick and
 * meter when BMETER_TEST_PORT names its port (then BMETER_ROUTEB_ID and BMETER_ROUTEB_PASSWORD must
 * be set too). The tests are the same for both; a test that needs the simulator's fault injection,
 * frozen clock or chosen firmware passes `{ skip: TARGET.needsSimulator }` and is skipped on
 * hardware with that reason.
 */
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../../src/sim/options.js';
import { startInProcessPtySimulator } from './simulator-in-process.js';
import type { TempDir } from './temp-dir.js';

/** A port a test can pass as --port, and how to let go of it. */
export interface TestPort {
  readonly path: string;
  stop(): Promise<void>;
}

/** The target of the suite. */
export interface Target {
  readonly kind: 'simulator' | 'stick';
  /** The Route-B credentials the target accepts, as environment variables for bmeter. */
  readonly credentials: { BMETER_ROUTEB_ID: string; BMETER_ROUTEB_PASSWORD: string };
  /** Skip reason for tests that only the simulator can run; false on the simulator. */
  readonly needsSimulator: string | false;
  /** True when every test gets a stick without a PANA session (a fresh simulator per test). */
  readonly freshStickPerTest: boolean;
  /** Extra `scan` options: a real meter may need the longer durations (docs/protocol.md §3.6). */
  readonly scanArgs: readonly string[];
  /** A time limit in ms for the simulator, stretched for a real stick (scans of ~70 s, joins of ~40 s). */
  ms(simulatorMs: number): number;
  /** The port for one test; `simArgs` are `bmeter simulate` options and are ignored on hardware. */
  port(dir: TempDir, simArgs?: readonly string[]): Promise<TestPort>;
}

function chooseTarget(env: NodeJS.ProcessEnv): Target {
  const port = env['BMETER_TEST_PORT'];
  if (port === undefined || port === '') {
    return {
      kind: 'simulator',
      credentials: { BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID, BMETER_ROUTEB_PASSWORD: SIM_DEMO_PASSWORD },
      needsSimulator: false,
      freshStickPerTest: true,
      scanArgs: [],
      ms: (simulatorMs) => simulatorMs,
      port: (dir, simArgs = []) => startInProcessPtySimulator(dir.file('tty'), simArgs),
    };
  }
  const id = env['BMETER_ROUTEB_ID'];
  const password = env['BMETER_ROUTEB_PASSWORD'];
  if (!id || !password) {
    throw new Error(
      `BMETER_TEST_PORT=${port} is set, so the suite runs against that stick, but it also needs the ` +
        "meter's BMETER_ROUTEB_ID and BMETER_ROUTEB_PASSWORD",
    );
  }
  return {
    kind: 'stick',
    credentials: { BMETER_ROUTEB_ID: id, BMETER_ROUTEB_PASSWORD: password },
    needsSimulator: `needs the simulator (BMETER_TEST_PORT=${port} is a real stick)`,
    freshStickPerTest: false,
    scanArgs: ['--max-duration', '8'],
    ms: (simulatorMs) => Math.max(simulatorMs * 5, 300_000),
    port: () => Promise.resolve({ path: port, stop: () => Promise.resolve() }),
  };
}

/** The target of this run (from BMETER_TEST_PORT, BMETER_ROUTEB_ID, BMETER_ROUTEB_PASSWORD). */
export const TARGET: Target = chooseTarget(process.env);
