import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';

// Chrome gets MV3 (the only kind the Web Store takes). Firefox gets MV2: its background page is
// persistent (no idle stop between the hops of a login), host permissions are granted at install
// rather than left for the user to switch on, and Firefox keeps MV2 supported.
const EXTENSION_CSP = "script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({ plugins: [preact()] }),
  manifest: ({ browser, manifestVersion }) => ({
    name: 'Session Tracer',
    description:
      'See every session of a login: capture, correlate and explain OAuth, OpenID Connect and SAML flows across domains.',
    // webRequest: observe every hop (never blocking); cookies: the jar and its changes;
    // storage: the recording switch and settings; host access: every site a login crosses.
    permissions: ['webRequest', 'cookies', 'storage', 'unlimitedStorage'],
    // A strict policy for our own pages: only our bundled scripts run; no plugins, no <base>,
    // no form submissions. Values from traffic are rendered as text, and this is the backstop.
    content_security_policy:
      manifestVersion === 3 ? { extension_pages: EXTENSION_CSP } : EXTENSION_CSP,
    ...(manifestVersion === 3
      ? { host_permissions: ['<all_urls>'] }
      : { permissions: ['webRequest', 'cookies', 'storage', 'unlimitedStorage', '<all_urls>'] }),
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
