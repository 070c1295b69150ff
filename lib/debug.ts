/**
 * The product's only logger: silent unless debugging was switched on, so the product makes no
 * console noise. Turn it on with `globalThis.__SESSION_TRACER_DEBUG__ = true` in a worker console.
 */
export function debugLog(message: string, detail?: unknown): void {
  if ((globalThis as { __SESSION_TRACER_DEBUG__?: boolean }).__SESSION_TRACER_DEBUG__) {
    console.debug(`[session-tracer] ${message}`, detail ?? '');
  }
}
