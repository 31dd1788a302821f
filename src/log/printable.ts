/**
 * Plain-text lines bmeter writes to stderr may quote what it was given (a line fed to `decode`, an
 * option's value, a line the stick sent): their control characters (ESC, BEL, CR …; not tab or the
 * line breaks between the lines of a stack) are shown as `\u001b`-style escapes, so a quoted input
 * can neither drive the terminal nor forge a line. JSON log lines need nothing: JSON escapes them.
 */

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** `text` with every C0 control character but tab and LF, and DEL, written as a \uXXXX escape. */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
