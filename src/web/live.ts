/**
 * The live part of the page: /api/events (server-sent events). `reading` events carry each new
 * record, `status` events the link state. EventSource reconnects by itself after a restart of
 * bmeter serve; while it does, the page says "reconnecting".
 */
import type { ApiReading, ApiStatus } from './api.js';

/** What the page does with the stream. */
export interface LiveHandlers {
  reading(reading: ApiReading): void;
  status(status: ApiStatus): void;
  connection(open: boolean): void;
}

/** How long to wait before opening a stream the browser gave up on (an HTTP error answer). */
const REOPEN_MS = 5000;

/**
 * Opens the stream; returns a function that closes it. EventSource retries by itself after a
 * network error; after an HTTP error it gives up (readyState CLOSED), so the page opens a new one.
 */
export function openLive(handlers: LiveHandlers): () => void {
  let source: EventSource | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const open = (): void => {
    source = listen(handlers, () => {
      timer = setTimeout(open, REOPEN_MS);
    });
  };
  open();
  return () => {
    clearTimeout(timer);
    source?.close();
  };
}

function listen(handlers: LiveHandlers, closed: () => void): EventSource {
  const source = new EventSource('/api/events');
  source.addEventListener('open', () => handlers.connection(true));
  source.addEventListener('error', () => {
    handlers.connection(source.readyState === EventSource.OPEN);
    if (source.readyState === EventSource.CLOSED) closed();
  });
  source.addEventListener('reading', (event) => {
    handlers.reading(JSON.parse((event as MessageEvent<string>).data) as ApiReading);
  });
  source.addEventListener('status', (event) => {
    handlers.status(JSON.parse((event as MessageEvent<string>).data) as ApiStatus);
  });
  return source;
}
