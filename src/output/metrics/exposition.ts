/**
 * The Prometheus text exposition format (version 0.0.4), written by hand: `# HELP` and `# TYPE`
 * once per family, before its samples; `name{label="value",…} value` per sample; label values
 * with `\`, `"` and newlines escaped, HELP text with `\` and newlines escaped; values as Go
 * formats floats (`+Inf`, `-Inf`, `NaN`); no timestamps (the node_exporter textfile collector
 * rejects them); a newline after every line. A family without samples is left out whole.
 */

export type MetricType = 'counter' | 'gauge';

export interface Sample {
  labels?: Readonly<Record<string, string>>;
  value: number;
}

export interface MetricFamily {
  /** `[a-zA-Z_:][a-zA-Z0-9_:]*`; counters end in `_total`. */
  name: string;
  help: string;
  type: MetricType;
  samples: readonly Sample[];
}

/** The content type a /metrics answer carries. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Renders the families in order. Throws on a malformed name (a programming error). */
export function renderExposition(families: readonly MetricFamily[]): string {
  let out = '';
  for (const f of families) {
    if (!NAME.test(f.name)) throw new Error(`bad metric name ${f.name}`);
    if (f.type === 'counter' && !f.name.endsWith('_total')) throw new Error(`counter ${f.name} must end in _total`);
    if (f.samples.length === 0) continue;
    out += `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`;
    for (const s of f.samples) out += `${f.name}${labelSet(s.labels)} ${formatValue(s.value)}\n`;
  }
  return out;
}

function labelSet(labels: Readonly<Record<string, string>> | undefined): string {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return '';
  return `{${entries
    .map(([k, v]) => {
      if (!LABEL.test(k) || k.startsWith('__')) throw new Error(`bad label name ${k}`);
      return `${k}="${escapeLabelValue(v)}"`;
    })
    .join(',')}}`;
}

/** `\` → `\\`, newline → `\n` (HELP lines). */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** `\` → `\\`, `"` → `\"`, newline → `\n` (label values). */
export function escapeLabelValue(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** A float as Prometheus reads it: `+Inf`, `-Inf`, `NaN`, else JavaScript's shortest round-trip form. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
