/**
 * The Route-B credentials a command that talks to the meter needs (scan, poll, history, serve), taken from the
 * loaded settings at the start, before the port is opened.
 */
import { BmeterError } from '../errors.js';
import type { Config } from './schema.js';

/**
 * config.example.json's placeholders. No power company issues them, and a join with them would end in EVENT 24
 * after ~40 s: a copied example file not yet filled in is said at once.
 */
const PLACEHOLDER_ID = '0'.repeat(32);
const PLACEHOLDER_PASSWORD = 'X'.repeat(12);

/**
 * The Route-B credentials, or a configuration error (exit 2) that says where to put them: when one is missing,
 * or still config.example.json's placeholder. Never names a value.
 */
export function requireCredentials(config: Config): { id: string; password: string } {
  const { id, password } = config.routeB;
  const missing = [
    id === undefined ? 'the Route-B ID (BMETER_ROUTEB_ID or routeB.id)' : undefined,
    password === undefined ? 'the Route-B password (BMETER_ROUTEB_PASSWORD or routeB.password)' : undefined,
  ].filter((m): m is string => m !== undefined);
  if (id === undefined || password === undefined) {
    throw new BmeterError(
      'CONFIG',
      `missing ${missing.join(' and ')} — set ${missing.length > 1 ? 'them' : 'it'} in the environment or in the config file (see config.example.json)`,
    );
  }
  const placeholders = [
    id === PLACEHOLDER_ID ? 'the Route-B ID (BMETER_ROUTEB_ID or routeB.id)' : undefined,
    password === PLACEHOLDER_PASSWORD ? 'the Route-B password (BMETER_ROUTEB_PASSWORD or routeB.password)' : undefined,
  ].filter((m): m is string => m !== undefined);
  if (placeholders.length > 0) {
    throw new BmeterError(
      'CONFIG',
      placeholders.length > 1
        ? `${placeholders.join(' and ')} are still config.example.json's placeholders — replace them with what your power company sent`
        : `${placeholders[0]} is still config.example.json's placeholder — replace it with what your power company sent`,
    );
  }
  return { id, password };
}
