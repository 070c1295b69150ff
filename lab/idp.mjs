// facebook.localhost: the upstream identity provider ("Log in with Facebook"). A second
// oidc-provider with its own login page and its own _session cookie on its own host, so its
// session outlives a logout at auth (the IdP tier protocol.md talks about).
import express from 'express';
import { autoGrant, createProvider } from './oidc-common.mjs';
import { escapeHtml, htmlPage } from './http-util.mjs';

export const IDP_USERS = [
  {
    email: 'bob@facebook.localhost',
    password: 'facebook-pass',
    claims: {
      sub: '100004217',
      name: 'Bob Builder',
      given_name: 'Bob',
      family_name: 'Builder',
      email: 'bob@facebook.localhost',
      email_verified: true,
    },
  },
];

/**
 * @typedef {object} IdpOptions
 * @property {string} issuer   http://facebook.localhost:PORT
 * @property {object[]} clients  the broker's registration (auth's federation callback)
 */

/** @param {IdpOptions} o */
export function createIdp(o) {
  const branding = { brand: 'facebook.localhost', accent: '#1877f2' };
  const provider = createProvider({
    issuer: o.issuer,
    branding,
    clients: o.clients,
    // Facebook-like path: /dialog/oauth, and oidc-provider resumes at /dialog/oauth/<uid>.
    routes: { authorization: '/dialog/oauth', token: '/oauth/access_token' },
    findAccount: async (_ctx, id) => {
      const user = IDP_USERS.find((u) => u.claims.sub === id);
      return user && { accountId: id, claims: async () => ({ ...user.claims }) };
    },
    // The broker is trusted: no consent screen, as after a first "Continue as Bob".
    loadExistingGrant: autoGrant,
  });

  /** @param {string} uid @param {string} [error] */
  const loginPage = (uid, error) =>
    htmlPage({
      title: 'Log in to Facebook',
      page: 'idp-login',
      ...branding,
      body: `<h1>Log in to Facebook</h1>
${error ? `<p id="idp-login-error" class="error">${escapeHtml(error)}</p>` : ''}
<form id="idp-login-form" method="post" action="/interaction/${encodeURIComponent(uid)}/login">
  <label for="email">Email address</label>
  <input id="email" name="email" type="email" autocomplete="username" autofocus required>
  <label for="pass">Password</label>
  <input id="pass" name="pass" type="password" autocomplete="current-password" required>
  <button id="loginbutton" name="login" type="submit">Log in</button>
</form>
<form method="post" action="/interaction/${encodeURIComponent(uid)}/abort">
  <button id="idp-cancel" class="secondary" type="submit">Cancel</button>
</form>`,
    });

  const app = express();
  app.disable('x-powered-by');
  const form = express.urlencoded({ extended: false });

  app.get('/interaction/:uid', async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    res.type('html').send(loginPage(details.uid));
  });

  app.post('/interaction/:uid/login', form, async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    const user = IDP_USERS.find(
      (u) => u.email === req.body?.email && u.password === req.body?.pass,
    );
    if (!user) {
      res
        .status(401)
        .type('html')
        .send(loginPage(details.uid, 'The password you entered is incorrect.'));
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

  app.post('/interaction/:uid/abort', async (req, res) => {
    await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'The user cancelled the login' },
      { mergeWithLastSubmission: false },
    );
  });

  app.use(provider.callback());
  app.use(
    (
      /** @type {any} */ err,
      /** @type {any} */ _req,
      /** @type {any} */ res,
      /** @type {any} */ _next,
    ) => {
      res
        .status(err.statusCode ?? err.status ?? 500)
        .type('html')
        .send(
          htmlPage({
            title: 'Error',
            page: 'error',
            ...branding,
            body: `<h1>Something went wrong</h1><p id="error-description" class="error">${escapeHtml(err.message)}</p>`,
          }),
        );
    },
  );

  return { app, provider };
}
