/**
 * A test's own MQTT client (MQTT.js, the same library bmeter uses, as any other subscriber
 * would): subscribes to topics and keeps every message, retained ones flagged, in arrival order.
 * MQTT.js is loaded as bmeter loads it, from the build's library bundle (dist/mqtt.cjs, through
 * bin/load-bundle.js): as ES modules from node_modules it cost each test process ~0.2 s of CPU.
 */
import { createRequire } from 'node:module';
import type { connectAsync, MqttClient } from 'mqtt';
import { repoPath } from '../../fixtures/repo-root.js';

const launcher = createRequire(import.meta.url)(repoPath('bin', 'load-bundle.js')) as {
  requireForBundle(specifier: string, distDir: string): unknown;
};
const mqtt = launcher.requireForBundle('mqtt', repoPath('dist')) as { connectAsync: typeof connectAsync };

export interface Message {
  topic: string;
  payload: string;
  retain: boolean;
}

export interface Watcher {
  readonly client: MqttClient;
  messages(topic?: string): Message[];
  /** Resolves with the next message on `topic` matching `match`: one that arrives after this call. */
  next(topic: string, match?: (m: Message) => boolean, timeoutMs?: number): Promise<Message>;
  /**
   * Resolves with the first message on `topic` matching `match`, already received or still to come: a
   * retained message can arrive with the SUBACK, before the caller gets to wait for it.
   */
  first(topic: string, match?: (m: Message) => boolean, timeoutMs?: number): Promise<Message>;
  publish(topic: string, payload: string, retain?: boolean): Promise<void>;
  close(): Promise<void>;
}

export async function watch(
  t: { after(fn: () => unknown): void },
  url: string,
  topics: string[],
  auth: { username?: string; password?: string } = {},
): Promise<Watcher> {
  const client = await mqtt.connectAsync(url, { ...auth, reconnectPeriod: 200, clean: true });
  const seen: Message[] = [];
  const waiters: { topic: string; match: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  client.on('message', (topic, payload, packet) => {
    const m = { topic, payload: payload.toString(), retain: packet.retain };
    seen.push(m);
    for (const w of [...waiters]) {
      if (w.topic === topic && w.match(m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  await client.subscribeAsync(topics, { qos: 1 });
  const watcher: Watcher = {
    client,
    messages: (topic) => (topic === undefined ? [...seen] : seen.filter((m) => m.topic === topic)),
    next(topic, match = () => true, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no message on ${topic} in ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          topic,
          match,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
    first(topic, match = () => true, timeoutMs = 30_000) {
      const seenAlready = seen.find((m) => m.topic === topic && match(m));
      return seenAlready !== undefined ? Promise.resolve(seenAlready) : watcher.next(topic, match, timeoutMs);
    },
    async publish(topic, payload, retain = false) {
      await client.publishAsync(topic, payload, { qos: 1, retain });
    },
    close: () => client.endAsync(true),
  };
  t.after(() => watcher.close());
  return watcher;
}
