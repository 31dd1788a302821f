/**
 * The settings bmeter reads, with their defaults and ranges: the zod schema (defined in
 * schema-def.ts). The same schema validates the config file and the merged result.
 */
import { z } from 'zod';
import { DEFAULT_PROPERTIES, defineConfigSchema } from './schema-def.js';

export { DEFAULT_PROPERTIES };
export const configSchema = defineConfigSchema(z);

export type Config = z.infer<typeof configSchema>;
