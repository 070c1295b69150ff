// Browsers resolve every *.localhost name to loopback on their own (RFC 6761 6.3); Node's
// dns.lookup asks the system resolver, which usually answers ENOTFOUND for auth.localhost.
// The lab's back channels (the app fetching the authorization server's discovery document and
// token endpoint, the authorization server redeeming the IdP's code) and the tests' own fetch
// calls need those names, so we teach this process the same rule the browsers follow.
// Sending to 127.0.0.1 with a Host header is no alternative: Node's fetch drops that header.
import dns from 'node:dns';

const LOCALHOST = /(^|\.)localhost\.?$/i;
const PATCHED = Symbol.for('storezero-lab.localhost-lookup');

/** @param {string} hostname */
export function isLocalhostName(hostname) {
  return LOCALHOST.test(hostname);
}

/**
 * Makes dns.lookup (used by net, http and the fetch built into Node) answer 127.0.0.1 for
 * localhost and every *.localhost name. Other names go to the original lookup. Idempotent, and
 * process-wide on purpose: fetch offers no per-call lookup without the undici package.
 */
export function installLocalhostResolver() {
  const current = /** @type {any} */ (dns.lookup);
  if (current[PATCHED]) return;
  const original = dns.lookup;

  /** @type {any} */
  const lookup = function lookup(
    /** @type {string} */ hostname,
    /** @type {any} */ options,
    /** @type {any} */ callback,
  ) {
    if (typeof options === 'function') {
      callback = options;
      options = {};
    } else if (typeof options === 'number') {
      options = { family: options };
    }
    if (typeof hostname === 'string' && isLocalhostName(hostname) && options?.family !== 6) {
      if (options?.all) {
        process.nextTick(callback, null, [{ address: '127.0.0.1', family: 4 }]);
      } else {
        process.nextTick(callback, null, '127.0.0.1', 4);
      }
      return {};
    }
    return original.call(dns, hostname, options, callback);
  };
  lookup[PATCHED] = true;
  dns.lookup = lookup;

  // dns.promises.lookup is a separate function; patch it too for code that awaits it.
  const originalPromise = dns.promises.lookup;
  dns.promises.lookup = /** @type {any} */ (
    async (/** @type {string} */ hostname, /** @type {any} */ options) => {
      const opts = typeof options === 'number' ? { family: options } : (options ?? {});
      if (isLocalhostName(hostname) && opts.family !== 6) {
        const entry = { address: '127.0.0.1', family: 4 };
        return opts.all ? [entry] : entry;
      }
      return originalPromise.call(dns.promises, hostname, options);
    }
  );
}
