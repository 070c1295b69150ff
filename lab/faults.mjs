// The deliberately faulty variants (issue 3, scenario 6). Each switch changes one thing the
// Session Tracer diagnostics must catch; several can be combined in one run.

/** Fault name -> what the app does wrong, and the diagnostic it should trigger. */
export const FAULTS = Object.freeze({
  'no-state': 'the app sends no state and does not check it (STATE_MISSING)',
  'no-pkce': 'the app sends no code_challenge (PKCE_MISSING)',
  'no-nonce': 'the app sends no nonce (NONCE_MISSING)',
  'implicit-form-post':
    'the app uses the legacy implicit flow, response_type=id_token token with response_mode=form_post (IMPLICIT_GRANT)',
  'redirect-uri-mismatch':
    'the app sends redirect_uri .../callback/ (trailing slash), which is not registered: the authorization server shows an error page (REDIRECT_URI_MISMATCH)',
  'samesite-none-insecure':
    'the app sets its session cookie with SameSite=None but without Secure; browsers reject it (SAMESITE_NONE_INSECURE)',
});

/** Shorthands accepted wherever a fault list is. */
export const FAULT_ALIASES = Object.freeze({
  'weak-client': ['no-state', 'no-pkce', 'no-nonce'],
});

/** @typedef {keyof typeof FAULTS} FaultName */

/**
 * Turns "a,b" or ["a", "b"] (aliases allowed) into a checked, de-duplicated list.
 * @param {string | readonly string[] | undefined} input
 * @returns {FaultName[]}
 * @throws {Error} on an unknown name, so a typo never silently runs the healthy lab
 */
export function parseFaults(input) {
  const raw = typeof input === 'string' ? input.split(',') : [...(input ?? [])];
  /** @type {Set<FaultName>} */
  const out = new Set();
  for (const item of raw.map((s) => s.trim()).filter(Boolean)) {
    const expanded = /** @type {Record<string, string[]>} */ (FAULT_ALIASES)[item] ?? [item];
    for (const name of expanded) {
      if (!(name in FAULTS)) {
        const known = [...Object.keys(FAULTS), ...Object.keys(FAULT_ALIASES)].join(', ');
        throw new Error(`Unknown lab fault "${name}". Known: ${known}`);
      }
      out.add(/** @type {FaultName} */ (name));
    }
  }
  return [...out];
}
