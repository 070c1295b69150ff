/**
 * Vendor hints for labels only (protocol.md 3): the generic rules decide roles; these only give
 * a party a friendlier name than its host.
 */
const HINTS: { label: string; test: (host: string, path: string) => boolean }[] = [
  { label: 'Auth0', test: (h) => /\.auth0\.com$/.test(h) },
  {
    label: 'Okta',
    test: (h, p) => /\.(okta|oktapreview)\.com$/.test(h) || /^\/oauth2\/(v1|[^/]+\/v1)\//.test(p),
  },
  {
    label: 'Microsoft Entra ID',
    test: (h) => h === 'login.microsoftonline.com' || h === 'login.live.com',
  },
  { label: 'Google', test: (h) => h === 'accounts.google.com' },
  {
    label: 'Facebook',
    test: (h, p) => /(^|\.)facebook\.com$/.test(h) || /^\/v\d+(\.\d+)?\/dialog\/oauth/.test(p),
  },
  {
    label: 'Keycloak',
    test: (_h, p) => /^\/(auth\/)?realms\/[^/]+\/protocol\/(openid-connect|saml)/.test(p),
  },
  { label: 'GitHub', test: (h) => h === 'github.com' },
];

/** A label for a party: a known vendor, else its host name. */
export function partyLabel(url: string): string {
  try {
    const u = new URL(url);
    const hint = HINTS.find((h) => h.test(u.hostname, u.pathname));
    return hint ? `${hint.label} (${u.host})` : u.host;
  } catch {
    return url;
  }
}
