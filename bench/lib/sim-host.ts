/**
 * A long-lived simulated stick in the bench process, served over TCP (`bmeter simulate --listen`
 * does the same), so that its PANA session survives between spawned cron runs. Counts every
 * SKSENDTO the stick accepts (each is one radio transmission and, when the session is up, one
 * ECHONET request to the meter). The simulator comes from the measured tree's dist/.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SimOptions } from '../../src/sim/options.js';
import type { SimServer } from '../../src/sim/server.js';
import type { SimStick } from '../../src/sim/stick.js';

export interface SimHost {
  readonly port: string;
  readonly stick: SimStick;
  /** SKSENDTO commands seen since the last reset. */
  sendTos(): number;
  resetCount(): void;
  /** Forgets the PANA session and the registers, like a power cycle of the stick. */
  powerCycle(): void;
  close(): Promise<void>;
}

interface SimModules {
  serveTcp: typeof import('../../src/sim/server.js').serveTcp;
  SimStick: typeof import('../../src/sim/stick.js').SimStick;
  SIM_DEMO_ROUTEB_ID: string;
  SIM_DEMO_PASSWORD: string;
}

export async function simModules(root: string): Promise<SimModules> {
  const url = (p: string) => pathToFileURL(join(root, 'dist', p)).href;
  const server = (await import(url('sim/server.js'))) as typeof import('../../src/sim/server.js');
  const stick = (await import(url('sim/stick.js'))) as typeof import('../../src/sim/stick.js');
  const options = (await import(url('sim/options.js'))) as typeof import('../../src/sim/options.js');
  return {
    serveTcp: server.serveTcp,
    SimStick: stick.SimStick,
    SIM_DEMO_ROUTEB_ID: options.SIM_DEMO_ROUTEB_ID,
    SIM_DEMO_PASSWORD: options.SIM_DEMO_PASSWORD,
  };
}

/** Wraps the stick's session so every accepted SKSENDTO is counted. */
export function countSendTos(stick: SimStick): { count(): number; reset(): void } {
  let n = 0;
  const session = stick.session as unknown as { send: (...args: unknown[]) => string | null };
  const original = session.send.bind(session);
  session.send = (...args: unknown[]) => {
    n += 1;
    return original(...args);
  };
  return { count: () => n, reset: () => (n = 0) };
}

export async function startSimHost(root: string, options: Partial<SimOptions>): Promise<SimHost> {
  const mods = await simModules(root);
  const stick = new mods.SimStick(options);
  const counter = countSendTos(stick);
  const server: SimServer = await mods.serveTcp('tcp://127.0.0.1:0', { stick });
  return {
    port: server.address,
    stick,
    sendTos: counter.count,
    resetCount: counter.reset,
    powerCycle: () => {
      stick.session.reset();
      (stick.registers as unknown as { reset(): void }).reset();
    },
    close: async () => {
      await server.close();
      stick.dispose();
    },
  };
}
