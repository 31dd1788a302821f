/**
 * Identifying the stick at open (PROTOCOL.md §6 steps 2–3): SKVER (no answer = not a SKSTACK IP
 * stick, or not at 115200 baud), then SKINFO, whose EINFO and the firmware version give the
 * dialect (§2) unless the user chose it. SKINFO may fail on some firmware: not fatal.
 */
import { BmeterError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { CommandName } from './commands.js';
import { detectDialect, type Dialect, type DialectSource } from './dialect.js';
import type { CommandSpec } from './job.js';
import type { EinfoLine } from './lines.js';

/** What identification needs from the client. */
export interface IdentifyContext {
  description: string;
  logger: Logger;
  skverMs: number;
  command<T>(name: CommandName, args: string[], spec: CommandSpec<T>): Promise<T>;
  /** Throws NOT_SKSTACK when a J11 (non-SKSTACK) frame was seen. */
  refuseJ11(): void;
}

/** What the stick said about itself; `detected` is undefined when neither EINFO nor SKVER told. */
export interface StickIdentity {
  firmware: string;
  einfo: EinfoLine | undefined;
  detected: { dialect: Dialect; source: DialectSource } | undefined;
}

/** SKVER then SKINFO; throws NOT_SKSTACK when SKVER gets no answer within `skverMs`. */
export async function identifyStick(c: IdentifyContext): Promise<StickIdentity> {
  const firmware = await c
    .command<string>('SKVER', [], {
      timeoutMs: c.skverMs,
      onOk: (_v, r) => ({ resolve: r?.type === 'ever' ? r.version : '' }),
      timeoutError: () =>
        new BmeterError(
          'NOT_SKSTACK',
          `no answer to SKVER on ${c.description} within ${c.skverMs / 1000} s — is this a SKSTACK IP stick at 115200 baud?`,
        ),
    })
    .catch((err: unknown) => {
      c.refuseJ11();
      throw err;
    });
  const einfo = await c
    .command<EinfoLine | undefined>('SKINFO', [], {
      onOk: (_v, r) => ({ resolve: r?.type === 'einfo' ? r : undefined }),
    })
    .catch((err: unknown) => {
      c.logger.debug({ err: (err as Error).message }, 'SKINFO failed');
      return undefined;
    });
  return { firmware, einfo, detected: detectDialect(einfo, firmware) ?? undefined };
}
