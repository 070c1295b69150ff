// What the authorization server and the "facebook" identity provider share: one oidc-provider
// configuration shape with our own HTML pages (the library's defaults pull fonts from the
// internet), freshly generated signing keys, and the claims an ID token should carry.
import crypto from 'node:crypto';
import Provider from 'oidc-provider';
import { escapeHtml, htmlPage } from './http-util.mjs';
import { createMemoryAdapter } from './memory-adapter.mjs';

/**
 * @typedef {object} Branding
 * @property {string} brand   header text of every page of this party
 * @property {string} accent  header/button colour, so screenshots show whose page it is
 */

/**
 * @typedef {object} ProviderOptions
 * @property {string} issuer                 e.g. http://auth.localhost:3001 (known after listen)
 * @property {Branding} branding
 * @property {object[]} clients              static client registrations
 * @property {(ctx: any, id: string) => Promise<any>} findAccount
 * @property {(ctx: any) => Promise<any>} loadExistingGrant
 * @property {Record<string, string>} [routes]
 * @property {string[]} [responseTypes]
 * @property {boolean} [allowHttpImplicit]   let implicit clients register http redirect URIs
 */

/** The ID token carries the profile so /account can show a name (see toolchain.md). */
const CLAIMS = {
  openid: ['sub'],
  profile: ['name', 'given_name', 'family_name', 'preferred_username', 'picture'],
  email: ['email', 'email_verified'],
};

/**
 * @param {ProviderOptions} options
 * @returns {Provider}
 */
export function createProvider(options) {
  const { issuer, branding } = options;
  // RS256 is what every relying party accepts by default; a new key per run is fine for a lab.
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = {
    ...privateKey.export({ format: 'jwk' }),
    kid: `lab-${Date.now().toString(36)}`,
    use: 'sig',
    alg: 'RS256',
  };

  /** @param {string} title @param {string} page @param {string} body @param {string} [head] */
  const page = (title, page, body, head) => htmlPage({ title, page, body, head, ...branding });

  const provider = new Provider(issuer, {
    adapter: createMemoryAdapter(),
    clients: options.clients,
    findAccount: options.findAccount,
    loadExistingGrant: options.loadExistingGrant,
    jwks: { keys: [jwk] },
    cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
    claims: CLAIMS,
    // Put the scope's claims in the code-flow ID token too (the default keeps them for userinfo).
    conformIdTokenClaims: false,
    responseTypes: options.responseTypes ?? ['code'],
    routes: options.routes ?? {},
    // The app decides whether it sends PKCE; the lab's faulty variant sends none on purpose.
    pkce: { required: () => false },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        // The confirmation page submits itself once loaded so a script can drive a full logout;
        // the buttons stay for people. "logout=yes" ends the whole session, not just the app's.
        logoutSource: async (/** @type {any} */ ctx, /** @type {string} */ form) => {
          ctx.body = page(
            'Log out',
            'logout-confirm',
            `<h1>Log out of ${escapeHtml(ctx.host)}?</h1>
${form}
<button id="logout-confirm" type="submit" form="op.logoutForm" name="logout" value="yes">Yes, log me out</button>
<button id="logout-cancel" class="secondary" type="submit" form="op.logoutForm">No, stay logged in</button>
<p><small>This page submits itself.</small></p>`,
            `<script>addEventListener('load', function () { document.getElementById('logout-confirm').click(); });</script>`,
          );
        },
        postLogoutSuccessSource: async (/** @type {any} */ ctx) => {
          ctx.body = page(
            'Logged out',
            'logged-out',
            `<h1 id="logged-out">You are logged out of ${escapeHtml(ctx.host)}.</h1>`,
          );
        },
      },
    },
    renderError: async (/** @type {any} */ ctx, /** @type {Record<string, string>} */ out) => {
      ctx.type = 'html';
      ctx.body = page(
        'Error',
        'error',
        `<h1>Something went wrong</h1>
<p>Error: <code id="error-code">${escapeHtml(out.error ?? '')}</code></p>
<p id="error-description">${escapeHtml(out.error_description ?? '')}</p>`,
      );
    },
    // Explicit lifetimes, also to keep oidc-provider from warning about its defaults.
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
    },
  });

  if (options.allowHttpImplicit) allowHttpImplicitRedirects(provider);
  return provider;
}

/**
 * oidc-provider refuses http:// and localhost redirect URIs for implicit clients (a sound rule
 * in production). The lab's legacy implicit client lives on http://storezero.localhost, so we
 * drop exactly those two checks, as the oidc-provider recipes suggest.
 * @param {any} provider
 */
function allowHttpImplicitRedirects(provider) {
  const proto = provider.Client.Schema.prototype;
  const original = proto.invalidate;
  proto.invalidate = function invalidate(
    /** @type {string} */ message,
    /** @type {string} */ code,
  ) {
    if (code === 'implicit-force-https' || code === 'implicit-forbid-localhost') return;
    original.call(this, message, code);
  };
}

/**
 * Ensures the session has a grant covering what the client asked for, so no consent prompt is
 * shown: what a first-party app (or the IdP's own login for a trusted broker) gets in practice.
 * @param {any} ctx
 */
export async function autoGrant(ctx) {
  const { client, session, params, provider } = ctx.oidc;
  const existingId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
  const grant =
    (existingId && (await provider.Grant.find(existingId))) ||
    new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
  grant.addOIDCScope(String(params.scope ?? 'openid'));
  await grant.save();
  return grant;
}

/**
 * @param {any} ctx
 * @returns {Promise<any>}
 */
export async function existingGrantOnly(ctx) {
  const grantId =
    ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
  return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
}
