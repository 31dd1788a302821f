/**
 * The events `bmeter serve` publishes to its listeners (the `/api/events` server-sent events,
 * and whatever else subscribes): each committed record, and the health status.
 */
import type { HealthStatus } from './health.js';

export type ServeEvent = { type: 'reading'; data: Record<string, unknown> } | { type: 'status'; data: HealthStatus };

export type ServeListener = (event: ServeEvent) => void;

/** A synchronous publish/subscribe hub for ServeEvent. */
export class ServeEvents {
  private readonly listeners = new Set<ServeListener>();

  /** Adds a listener; returns its removal. */
  subscribe(listener: ServeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Hands the event to every listener; a listener that throws is dropped, the others still get it. */
  publish(event: ServeEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        this.listeners.delete(listener);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
