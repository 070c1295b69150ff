import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';

// Chrome gets MV3 (the only kind the Web Store takes). Firefox gets MV2: its background page is
// persistent (no idle stop between the hops of a login), host permissions are granted at install
// rather than left for the user to switch on, and Firefox keeps MV2 supported.
const EXTENSION_CSP = "script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

// Host access (docs/security.md). The default build asks for every site at install, so that it
// records a whole login out of the box (the sites a login crosses cannot be listed in advance);
// Chrome's Site access setting can still limit it to chosen sites, and the panel then says what
// is not captured and asks for more at run time. `--mode on-request` builds a least-privilege
// variant that asks for no site at install: every site is an optional permission the panel asks
// for (one site, or all) and gives back. Firefox MV2 needs it to limit access at all.
const ALL_SITES = '<all_urls>';
const BASE_PERMISSIONS = ['webRequest', 'cookies', 'storage', 'unlimitedStorage'];

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({ plugins: [preact()] }),
  manifest: ({ browser, manifestVersion, mode }) => ({
    name: 'Session Tracer',
    description:
      'See every session of a login: capture, correlate and explain OAuth, OpenID Connect and SAML flows across domains.',
    // webRequest: observe every hop (never blocking); cookies: the jar and its changes;
    // storage: the recording switch and settings; host access: every site a login crosses.
    permissions: BASE_PERMISSIONS,
    // A strict policy for our own pages: only our bundled scripts run; no plugins, no <base>,
    // no form submissions. Values from traffic are rendered as text, and this is the backstop.
    content_security_policy:
      manifestVersion === 3 ? { extension_pages: EXTENSION_CSP } : EXTENSION_CSP,
    ...hostAccess(manifestVersion, mode.endsWith('on-request') ? 'on-request' : 'at-install'),
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'session-tracer@session-tracer.dev',
              strict_min_version: '140.0',
              // Nothing is collected or sent anywhere: the recording stays in this browser.
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : {}),
  }),
});

/** Where every-site access is declared: granted at install, or optional and asked for at run time. */
function hostAccess(manifestVersion: 2 | 3, when: 'at-install' | 'on-request') {
  if (manifestVersion === 3) {
    return when === 'at-install'
      ? { host_permissions: [ALL_SITES] }
      : { optional_host_permissions: [ALL_SITES] };
  }
  return when === 'at-install'
    ? { permissions: [...BASE_PERMISSIONS, ALL_SITES] }
    : { optional_permissions: [ALL_SITES] };
}
