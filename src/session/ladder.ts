/**
 * The recovery ladder's rungs, in the order the session machine climbs them (docs/protocol.md
 * §6): rejoin, scan the known channel, full rescan, reopen the port.
 */
export const RECOVERY_LADDER = ['rejoin', 'scan-channel', 'full-scan', 'reopen'] as const;

/** One rung of the recovery ladder. */
export type RecoveryStep = (typeof RECOVERY_LADDER)[number];
