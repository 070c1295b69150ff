import type { CookieEvent, Exchange } from '../model';

/** Name of the long-lived port a panel opens to the background. */
export const PANEL_PORT_NAME = 'session-tracer/panel';

/** Which part of the recording a panel follows. */
export interface Subscription {
  /** The inspected tab; every tab when absent. */
  tabId?: number;
}

/** Panel -> background: message name to payload. */
export interface PanelMessages {
  subscribe: Subscription;
  'set-recording': { on: boolean };
  clear: Record<string, never>;
  /** Delete these cookies of one party from the jar ("the AS session expired"). */
  'clear-cookies': { cookies: { url: string; name: string }[] };
}

/** Background -> panel: message name to payload. */
export interface BackgroundMessages {
  /** What is stored, sent once after subscribe (possibly in several parts; `done` on the last). */
  snapshot: { exchanges: Exchange[]; cookieEvents: CookieEvent[]; done: boolean };
  'exchanges-added': { exchanges: Exchange[] };
  'cookie-events-added': { cookieEvents: CookieEvent[] };
  cleared: Record<string, never>;
  recording: { on: boolean };
  /** Something the user should know (storage trouble, data dropped by retention). */
  notice: { level: 'info' | 'warning' | 'error'; message: string };
}

/** One message of a map: `{ type, payload }` with the payload typed by its name. */
export type MessageOf<M> = { [K in keyof M]: { type: K; payload: M[K] } }[keyof M];

/** Handlers for every message of a map, each typed on its own payload. */
export type HandlersOf<M> = { [K in keyof M]: (payload: M[K]) => void };

/** The part of a runtime.Port the typed wrapper uses. */
export interface PortLike {
  postMessage(message: unknown): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
  disconnect(): void;
}

/**
 * A port that sends `Out` messages and dispatches `In` messages to typed handlers. Messages
 * without a known `type` are dropped: the other side may be a newer or older build.
 */
export class TypedPort<In, Out> {
  readonly #port: PortLike;

  constructor(port: PortLike, handlers: Partial<HandlersOf<In>>) {
    this.#port = port;
    port.onMessage.addListener((raw) => {
      if (!isMessage(raw)) return;
      const handler = handlers[raw.type as keyof In];
      if (handler) handler(raw.payload as In[keyof In]);
    });
  }

  send<K extends keyof Out>(type: K, payload: Out[K]): void {
    this.#port.postMessage({ type, payload });
  }

  onDisconnect(listener: () => void): void {
    this.#port.onDisconnect.addListener(listener);
  }

  disconnect(): void {
    this.#port.disconnect();
  }
}

function isMessage(raw: unknown): raw is { type: string; payload: unknown } {
  return (
    typeof raw === 'object' && raw !== null && typeof (raw as { type?: unknown }).type === 'string'
  );
}
