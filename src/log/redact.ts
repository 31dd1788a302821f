/**
 * Secret scrubbing. The Route-B ID and password must never reach stdout, stderr or a log line at
 * any level (docs/design.md §4), so every line written to the log stream passes through this.
 */
export const REDACTED = '[REDACTED]';

/**
 * Masks registered secrets (the Route-B ID, its last 8 characters = the PairID, the password) in any text as
 * [REDACTED].
 */
export class SecretRedactor {
  private secrets: string[] = [];

  /** Registers a secret; blank or very short values are ignored (they would mask ordinary text). */
  add(secret: string | undefined): void {
    if (secret === undefined || secret.length < 4) return;
    if (!this.secrets.includes(secret)) {
      this.secrets.push(secret);
      // Longest first, so an ID that contains the password is masked whole.
      this.secrets.sort((a, b) => b.length - a.length);
    }
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out;
  }
}

/** The one redactor of this process: config loading registers the secrets it reads. */
export const secretRedactor = new SecretRedactor();
