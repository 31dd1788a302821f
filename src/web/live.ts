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

/** Opens the stream; returns a function that closes it. */
export function openLive(handlers: LiveHandlers): () => void {
  const source = new EventSource('/api/events');
  source.addEventListener('open', () => handlers.connection(true));
  source.addEventListener('error', () => handlers.connection(source.readyState === EventSource.OPEN));
  source.addEventListener('reading', (event) => {
    handlers.reading(JSON.parse((event as MessageEvent<string>).data) as ApiReading);
  });
  source.addEventListener('status', (event) => {
    handlers.status(JSON.parse((event as MessageEvent<string>).data) as ApiStatus);
  });
  return () => source.close();
}
