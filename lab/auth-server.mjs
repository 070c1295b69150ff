// auth.localhost: Storezero's authorization server (the Auth0 role in the sessions guide).
// oidc-provider does the protocol (discovery, JWKS, /authorize, /token, end_session, the SSO
// session cookie _session); this module adds the pages a person sees: username/password login
// with a "Log in with Facebook" button, consent, and the federation step.
import crypto from 'node:crypto';
import express from 'express';
import { autoGrant, createProvider, existingGrantOnly } from './oidc-common.mjs';
import { federationRoutes, FEDERATION_CALLBACK_PATH } from './federation.mjs';
import { escapeHtml, htmlPage } from './http-util.mjs';

export const AUTH_USERS = [
  {
    username: 'alice',
    password: 'wonderland',
    claims: {
      sub: 'alice',
      name: 'Alice Liddell',
      given_name: 'Alice',
      family_name: 'Liddell',
      preferred_username: 'alice',
      email: 'alice@storezero.localhost',
      email_verified: true,
    },
  },
];

/** Credentials auth uses as a client of the facebook IdP (registered there too). */
export const BROKER_CLIENT = { clientId: 'auth', clientSecret: 'auth-facebook-secret' };

/**
 * @typedef {object} AuthServerOptions
 * @property {string} issuer      http://auth.localhost:PORT
 * @property {string} idpIssuer   http://facebook.localhost:PORT
 * @property {object[]} clients   the app's registrations (see app.mjs appClients)
 * @property {'first-party-skips' | 'always'} consent
 */

/** @param {AuthServerOptions} o */
export function createAuthServer(o) {
  const branding = { brand: 'auth.localhost: Storezero login', accent: '#5b21b6' };
  /** @type {Map<string, any>} accountId -> claims; federated accounts are added on first login */
  const accounts = new Map(AUTH_USERS.map((u) => [u.claims.sub, u.claims]));
  const firstParty = new Set(o.clients.map((c) => /** @type {any} */ (c).client_id));

  const provider = createProvider({
    issuer: o.issuer,
    branding,
    clients: o.clients,
    routes: { authorization: '/authorize' },
    responseTypes: ['code', 'id_token token', 'id_token'],
    allowHttpImplicit: true,
    findAccount: async (_ctx, id) => {
      const claims = accounts.get(id);
      if (!claims) return undefined;
      return { accountId: id, claims: async () => ({ ...claims, sub: id }) };
    },
    // Storezero is a first-party app: like Auth0, skip consent for it unless asked to show it.
    loadExistingGrant: async (ctx) =>
      o.consent === 'first-party-skips' && firstParty.has(ctx.oidc.client.clientId)
        ? autoGrant(ctx)
        : existingGrantOnly(ctx),
  });

  /** @param {string} title @param {string} pageId @param {string} body */
  const render = (title, pageId, body) => htmlPage({ title, page: pageId, body, ...branding });
  /** @param {any} res @param {number} status @param {string} title @param {string} message */
  const renderError = (res, status, title, message) =>
    res
      .status(status)
      .type('html')
      .send(
        render(
          title,
          'error',
          `<h1>${escapeHtml(title)}</h1><p id="error-description" class="error">${escapeHtml(message)}</p>`,
        ),
      );

  const app = express();
  app.disable('x-powered-by');
  // Body parsing only on our own routes: oidc-provider parses its own request bodies.
  const form = express.urlencoded({ extended: false });

  app.get('/interaction/:uid', async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    const client = await provider.Client.find(String(details.params.client_id));
    const clientName = client?.clientName ?? String(details.params.client_id);
    if (details.prompt.name === 'login') {
      res.type('html').send(render('Log in', 'login', loginForm(details.uid, clientName)));
    } else {
      res.type('html').send(render('Authorize', 'consent', consentForm(details, clientName)));
    }
  });

  app.post('/interaction/:uid/login', form, async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    const user = AUTH_USERS.find(
      (u) => u.username === req.body?.username && u.password === req.body?.password,
    );
    if (!user) {
      const client = await provider.Client.find(String(details.params.client_id));
      res
        .status(401)
        .type('html')
        .send(
          render(
            'Log in',
            'login',
            loginForm(details.uid, client?.clientName ?? '', 'Wrong username or password.'),
          ),
        );
      return;
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.claims.sub } },
      {
        mergeWithLastSubmission: false,
      },
    );
  });

  app.post('/interaction/:uid/confirm', form, async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    const grantId = await grantRequested(provider, details);
    await provider.interactionFinished(
      req,
      res,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
  });

  app.post('/interaction/:uid/abort', async (req, res) => {
    await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'The user cancelled the login' },
      { mergeWithLastSubmission: false },
    );
  });

  app.use(
    federationRoutes({
      provider,
      issuer: o.issuer,
      idpIssuer: o.idpIssuer,
      ...BROKER_CLIENT,
      accounts,
      secret: crypto.randomBytes(32).toString('base64url'),
      renderError,
    }),
  );

  app.use(provider.callback());

  // Express 5 passes rejected promises here (e.g. an expired interaction cookie).
  app.use(
    (
      /** @type {any} */ err,
      /** @type {any} */ _req,
      /** @type {any} */ res,
      /** @type {any} */ _next,
    ) => {
      renderError(
        res,
        err.statusCode ?? err.status ?? 500,
        'Something went wrong',
        err.error_description ?? err.message,
      );
    },
  );

  return { app, provider, federationCallback: o.issuer + FEDERATION_CALLBACK_PATH };
}

/**
 * Creates (or extends) the grant with everything the pending request is missing.
 * @param {any} provider
 * @param {any} details
 */
async function grantRequested(provider, details) {
  const { prompt, params, session, grantId } = details;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  const missing = prompt.details ?? {};
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, /** @type {string[]} */ (scopes).join(' '));
  }
  return grant.save();
}

/** @param {string} uid @param {string} clientName @param {string} [error] */
function loginForm(uid, clientName, error) {
  const base = `/interaction/${encodeURIComponent(uid)}`;
  return `<h1>Log in to continue to ${escapeHtml(clientName)}</h1>
${error ? `<p id="login-error" class="error">${escapeHtml(error)}</p>` : ''}
<form id="login-form" method="post" action="${base}/login">
  <label for="username">Username</label>
  <input id="username" name="username" type="text" autocomplete="username" autofocus required>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button id="login-submit" type="submit">Log in</button>
</form>
<p>or</p>
<form id="federated-form" method="post" action="${base}/federated">
  <input type="hidden" name="connection" value="facebook">
  <button id="federate-facebook" class="facebook" type="submit">Log in with Facebook</button>
</form>
<form id="abort-form" method="post" action="${base}/abort">
  <button id="login-cancel" class="secondary" type="submit">Cancel</button>
</form>`;
}

/** @param {any} details @param {string} clientName */
function consentForm(details, clientName) {
  const base = `/interaction/${encodeURIComponent(details.uid)}`;
  const scopes = [...(details.prompt.details?.missingOIDCScope ?? [])];
  return `<h1>${escapeHtml(clientName)} wants to access your account</h1>
<ul id="consent-scopes">${scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>
<form id="consent-form" method="post" action="${base}/confirm">
  <button id="consent-approve" type="submit">Allow</button>
</form>
<form method="post" action="${base}/abort">
  <button id="consent-deny" class="secondary" type="submit">Deny</button>
</form>`;
}
