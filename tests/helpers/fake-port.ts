import type { PortLike } from '@/lib/messaging/protocol';

/** Two connected in-memory ports, like runtime.connect gives; messages are cloned. */
export function portPair(): [
  PortLike & { received: unknown[] },
  PortLike & { received: unknown[] },
] {
  const make = () => {
    const listeners: ((m: unknown) => void)[] = [];
    const disconnects: (() => void)[] = [];
    return { listeners, disconnects, received: [] as unknown[] };
  };
  const a = make();
  const b = make();
  let open = true;
  const side = (self: ReturnType<typeof make>, other: ReturnType<typeof make>) => ({
    received: self.received,
    postMessage(message: unknown) {
      if (!open) throw new Error('Attempting to use a disconnected port object');
      const copy = structuredClone(message);
      other.received.push(copy);
      for (const l of other.listeners) l(copy);
    },
    onMessage: { addListener: (l: (m: unknown) => void) => void self.listeners.push(l) },
    onDisconnect: { addListener: (l: () => void) => void self.disconnects.push(l) },
    disconnect() {
      if (!open) return;
      open = false;
      // Like the browser: only the other side hears about it.
      for (const l of other.disconnects) l();
    },
  });
  return [side(a, b), side(b, a)];
}
