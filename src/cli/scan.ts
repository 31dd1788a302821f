/**
 * `bmeter scan`: find the meter, write the scan file, print what was found (docs/protocol.md §6 1–7).
 * Progress goes to stderr; stdout gets a short summary, or the scan file itself with --json.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { BmeterError } from '../errors.js';
import { runScan } from '../scan/scan.js';
import { assertNotReadOnly } from '../fs/read-only.js';
import { dirname } from 'node:path';
import { removeMadeFolders } from '../fs/made-folders.js';
import { prepareScanFileFolder, writeScanFile, type ScanFile } from '../scan/scan-file.js';
import { createScanProgress, silentProgress } from '../scan/progress.js';
import { closeLink, openLink } from '../session/port.js';
import type { CliContext } from './context.js';
import { stickSettings } from './settings.js';
import { configFileOption, fileOption, requireDistinctFiles } from './distinct-files.js';

/** SKSCAN DURATION is one hex digit, 0–14 (§3.6). */
function parseDuration(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 0 || n > 14) {
    throw new InvalidArgumentError('a scan duration is an integer from 0 to 14 (4 ≈ 4.6 s, 6 ≈ 17.5 s, 8 ≈ 69 s)');
  }
  return n;
}

/**
 * Adds `bmeter scan` to `program`: active scan with growing SKSCAN durations, the meter chosen by PairID then
 * LQI, and the scan file written (never over a user's other file).
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('scan')
    .description('find the smart meter by active scan and write the scan file that `bmeter poll` uses')
    .option('--min-duration <n>', 'first SKSCAN duration to try (config scan.minDuration, default 4)', parseDuration)
    .option('--max-duration <n>', 'last SKSCAN duration to try (config scan.maxDuration, default 7)', parseDuration)
    .option('--json', 'print the scan file content (without the PairID, a secret) instead of a summary')
    .option('--set-hex-output', 'allow one WOPT 01 (a flash write) if the stick sends binary ERXUDP')
    .addHelpText(
      'after',
      '\nEach attempt scans all 28 channels for 9.6 ms × (2^d + 1) per channel: d=4 4.6 s, 5 8.9 s, 6 17.5 s, 7 34.7 s, 8 69 s.\n' +
        'Needs BMETER_ROUTEB_ID and BMETER_ROUTEB_PASSWORD (or routeB in the config file).',
    )
    .action(async (_opts: Record<string, unknown>, command: Command) => {
      await scanAction(command.optsWithGlobals(), ctx);
    });
}

async function scanAction(flags: Record<string, unknown>, ctx: CliContext): Promise<void> {
  const { logger, config, creds, openPort } = stickSettings(flags, ctx);
  const { minDuration, maxDuration, marginMs } = config.scan;
  if (minDuration > maxDuration) {
    throw new BmeterError('USAGE', `--min-duration ${minDuration} is larger than --max-duration ${maxDuration}`);
  }
  const progress =
    config.logLevel === 'silent'
      ? silentProgress()
      : createScanProgress({ stream: ctx.io.stderr, isTTY: ctx.io.stderrIsTTY });

  requireDistinctFiles(ctx.io.cwd, {
    'the scan file': fileOption(config.scanFile, 'scan-file'),
    'the config file': configFileOption(flags, ctx.io.env, ctx.io.cwd),
  });
  await assertNotReadOnly(config.scanFile, '--scan-file');
  const madeFolder = await prepareScanFileFolder(config.scanFile);
  let failed = true;
  try {
    const link = await openLink({ openPort, config, logger, clock: ctx.clock, signal: ctx.signal });
    try {
      const result = await runScan(link.client, creds, {
        minDuration,
        maxDuration,
        marginMs,
        logger,
        progress,
        now: ctx.now,
        clock: ctx.clock,
        signal: ctx.signal,
      });
      const file = await writeScanFile(config.scanFile, result);
      // The PairID is part of the Route-B secret: it stays in the (0600) file, not on stdout.
      const { pairId: _secret, ...shown } = file;
      ctx.io.stdout.write(
        flags['json'] === true ? `${JSON.stringify(shown, null, 2)}\n` : summary(file, config.scanFile),
      );
      failed = false;
    } finally {
      await closeLink(link, logger);
    }
  } finally {
    // A scan that ends without a scan file — it failed (no meter: exit 3, the port missing: exit 5) or SIGINT/SIGTERM
    // stopped it (exit 0) — takes back the empty folders it made for that file: nothing would ever be put in them.
    if (failed) await removeMadeFolders(madeFolder, dirname(config.scanFile));
  }
}

/** The human summary on stdout. Channel frequency = 922.5 + 0.2 × (ch − 33) MHz (§3.6). */
export function summary(file: ScanFile, path: string): string {
  const mhz = (922.5 + 0.2 * (file.channel - 33)).toFixed(1);
  return [
    `Meter found on channel ${file.channel} (0x${file.channelHex}, ${mhz} MHz), PAN ID ${file.panId}`,
    `  MAC address  ${file.macAddress}`,
    `  IPv6         ${file.ipv6}`,
    `  Signal       LQI ${file.lqi} (RSSI ${file.rssiDbm.toFixed(2)} dBm)`,
    `  Stick        ${file.dialect}-stack, firmware ${file.firmware}`,
    `Scan file written to ${path}`,
    '',
  ].join('\n');
}
