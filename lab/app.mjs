// storezero.localhost: the shop, a regular web app with a backend. It is a confidential
// OpenID Connect client of auth.localhost (code flow, PKCE S256, state, nonce, code redeemed on
// the back channel) with its own session cookie, plus the faulty variants from faults.mjs.
import crypto from 'node:crypto';
import express from 'express';
import * as oidc from 'openid-client';
import {
  addSetCookie,
  escapeHtml,
  htmlPage,
  parseCookies,
  serializeCookie,
  sign,
  unsign,
} from './http-util.mjs';

export const APP_COOKIES = Object.freeze({ session: 'storezero.sid', transaction: 'storezero.tx' });
export const APP_CLIENT = { clientId: 'storezero', clientSecret: 'storezero-secret' };
/** The legacy integration used by the implicit-form-post fault: a public implicit client. */
export const LEGACY_CLIENT = { clientId: 'storezero-legacy' };
const CALLBACK_PATH = '/callback';
const SCOPE = 'openid profile email';

/**
 * The app's registrations at the authorization server.
 * @param {string} appUrl
 */
export function appClients(appUrl) {
  return [
    {
      client_id: APP_CLIENT.clientId,
      client_secret: APP_CLIENT.clientSecret,
      client_name: 'Storezero',
      redirect_uris: [appUrl + CALLBACK_PATH],
      post_logout_redirect_uris: [appUrl + '/'],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    {
      client_id: LEGACY_CLIENT.clientId,
      client_name: 'Storezero (legacy)',
      redirect_uris: [appUrl + CALLBACK_PATH],
      post_logout_redirect_uris: [appUrl + '/'],
      response_types: ['id_token token'],
      grant_types: ['implicit'],
      token_endpoint_auth_method: 'none',
    },
  ];
}

/**
 * @typedef {object} AppOptions
 * @property {string} appUrl      http://storezero.localhost:PORT
 * @property {string} authIssuer  http://auth.localhost:PORT
 * @property {readonly string[]} faults  names from faults.mjs
 */

/** @param {AppOptions} o */
export function createStorezeroApp(o) {
  const faults = new Set(o.faults);
  const implicit = faults.has('implicit-form-post');
  const secret = crypto.randomBytes(32).toString('base64url');
  /** @type {Map<string, { claims: Record<string, any>, idToken: string, clientId: string }>} */
  const sessions = new Map();

  // Discovery on first use (the authorization server may not listen yet when this is built).
  /** @type {Map<string, Promise<oidc.Configuration>>} */
  const configs = new Map();
  /** @param {string} clientId */
  const config = (clientId) => {
    let p = configs.get(clientId);
    if (!p) {
      const auth =
        clientId === APP_CLIENT.clientId
          ? oidc.ClientSecretBasic(APP_CLIENT.clientSecret)
          : oidc.None();
      p = oidc
        .discovery(new URL(o.authIssuer), clientId, undefined, auth, {
          execute: [oidc.allowInsecureRequests],
        })
        .then(
          (c) => {
            if (clientId === LEGACY_CLIENT.clientId) oidc.useIdTokenResponseType(c);
            return c;
          },
          (err) => {
            configs.delete(clientId);
            throw err;
          },
        );
      configs.set(clientId, p);
    }
    return p;
  };

  // Cookie attributes. The transaction cookie must survive the cross-site POST of form_post,
  // so the implicit variant marks it SameSite=None; Secure (browsers accept Secure over
  // http://*.localhost). The session cookie is where the samesite-none-insecure fault lives.
  /** @type {import('./http-util.mjs').CookieOptions} */
  const txAttrs = implicit
    ? { path: CALLBACK_PATH, httpOnly: true, secure: true, sameSite: 'None' }
    : { path: CALLBACK_PATH, httpOnly: true, sameSite: 'Lax' };
  /** @type {import('./http-util.mjs').CookieOptions} */
  const sidAttrs = faults.has('samesite-none-insecure')
    ? { path: '/', httpOnly: true, sameSite: 'None' }
    : { path: '/', httpOnly: true, sameSite: 'Lax' };

  const nav = `<nav><a id="nav-home" href="/">Home</a><a id="nav-account" href="/account">My Account</a><a id="nav-silent" href="/silent">Silent login</a><a id="nav-logout" href="/logout">Log out</a><a id="nav-logout-full" href="/logout/full">Log out everywhere</a></nav>`;
  /** @param {string} title @param {string} pageId @param {string} body */
  const render = (title, pageId, body) =>
    htmlPage({ title, page: pageId, body: nav + body, brand: 'Storezero', accent: '#0f766e' });

  /** @param {any} req */
  const currentSession = (req) => {
    const sid = parseCookies(req.headers.cookie)[APP_COOKIES.session];
    return sid ? { sid, session: sessions.get(sid) } : { sid: undefined, session: undefined };
  };
  /** @param {any} req @param {any} res */
  const dropSession = (req, res) => {
    const { sid } = currentSession(req);
    if (sid) sessions.delete(sid);
    addSetCookie(res, serializeCookie(APP_COOKIES.session, '', { ...sidAttrs, maxAge: 0 }));
  };

  const app = express();
  app.disable('x-powered-by');

  app.get('/', (req, res) => {
    const { session } = currentSession(req);
    const status = session
      ? `Logged in as <strong id="status-name">${escapeHtml(displayName(session.claims))}</strong>`
      : 'Not logged in';
    res
      .type('html')
      .send(render('Storezero', 'home', `<h1>Storezero</h1><p id="status">${status}</p>`));
  });

  app.get('/account', (req, res) => {
    const { session } = currentSession(req);
    if (session) {
      res.type('html').send(
        render(
          'My Account',
          'account',
          `<h1>My Account</h1>
<p>Hello, <strong id="account-name">${escapeHtml(displayName(session.claims))}</strong></p>
<h2>ID token claims</h2>
<pre id="id-token-claims">${escapeHtml(JSON.stringify(session.claims, null, 2))}</pre>`,
        ),
      );
    } else if (req.query.from === 'callback') {
      // Straight from a successful callback yet no session cookie came back: the browser
      // refused it. Stop here instead of looping through /login again.
      res
        .status(401)
        .type('html')
        .send(
          render(
            'Not logged in',
            'cookie-missing',
            `<h1>Not logged in</h1><p id="cookie-missing" class="error">You just logged in, but your browser did not send the ${APP_COOKIES.session} cookie back: it rejected the cookie.</p>`,
          ),
        );
    } else {
      res.redirect(302, '/login');
    }
  });

  /** @param {'login' | 'silent'} mode */
  const startLogin = (mode) => async (/** @type {any} */ _req, /** @type {any} */ res) => {
    const clientId = implicit ? LEGACY_CLIENT.clientId : APP_CLIENT.clientId;
    const cfg = await config(clientId);
    /** @type {Record<string, string>} */
    const params = {
      response_type: implicit ? 'id_token token' : 'code',
      client_id: clientId,
      // The mismatch fault: one trailing slash, the classic "Callback URL mismatch".
      redirect_uri: o.appUrl + CALLBACK_PATH + (faults.has('redirect-uri-mismatch') ? '/' : ''),
      scope: SCOPE,
    };
    /** @type {{ mode: string, returnTo: string, state?: string, nonce?: string, verifier?: string }} */
    const tx = { mode, returnTo: '/account' };
    if (!faults.has('no-state')) params.state = tx.state = oidc.randomState();
    // The implicit flow cannot go without a nonce (the authorization server insists).
    if (implicit || !faults.has('no-nonce')) params.nonce = tx.nonce = oidc.randomNonce();
    if (!implicit && !faults.has('no-pkce')) {
      tx.verifier = oidc.randomPKCECodeVerifier();
      params.code_challenge = await oidc.calculatePKCECodeChallenge(tx.verifier);
      params.code_challenge_method = 'S256';
    }
    if (implicit) params.response_mode = 'form_post';
    if (mode === 'silent') params.prompt = 'none';

    addSetCookie(
      res,
      serializeCookie(APP_COOKIES.transaction, sign(tx, secret), { ...txAttrs, maxAge: 600 }),
    );
    res.redirect(302, oidc.buildAuthorizationUrl(cfg, params).href);
  };
  app.get('/login', startLogin('login'));
  app.get('/silent', startLogin('silent'));

  /** @param {any} req @param {any} res */
  const callback = async (req, res) => {
    const tx = unsign(parseCookies(req.headers.cookie)[APP_COOKIES.transaction], secret);
    // The transaction is single-use whatever happens next.
    addSetCookie(res, serializeCookie(APP_COOKIES.transaction, '', { ...txAttrs, maxAge: 0 }));
    /** @type {Record<string, string>} */
    const params = req.method === 'POST' ? (req.body ?? {}) : /** @type {any} */ (req.query);

    /** @param {number} status @param {string} code @param {string} message */
    const fail = (status, code, message) =>
      res
        .status(status)
        .type('html')
        .send(
          render(
            'Login failed',
            'callback-error',
            `<h1>${tx?.mode === 'silent' ? 'Silent login' : 'Login'} did not complete</h1>
<p>Error: <code id="callback-error" data-error="${escapeHtml(code)}">${escapeHtml(code)}</code></p>
<p id="callback-error-description">${escapeHtml(message)}</p>`,
          ),
        );

    if (!tx) {
      fail(
        400,
        'missing_transaction',
        `The ${APP_COOKIES.transaction} cookie was not sent with the callback.`,
      );
      return;
    }
    if (tx.state !== undefined && params.state !== tx.state && !faults.has('no-state')) {
      fail(400, 'state_mismatch', 'The state in the response is not the one this browser sent.');
      return;
    }
    if (params.error) {
      // prompt=none answers login_required when there is no session at the authorization
      // server: an expected outcome of a silent login, so a 200 with the reason.
      fail(
        tx.mode === 'silent' ? 200 : 400,
        String(params.error),
        String(params.error_description ?? ''),
      );
      return;
    }

    /** @type {{ claims: Record<string, any>, idToken: string, clientId: string }} */
    let session;
    try {
      if (implicit) {
        const cfg = await config(LEGACY_CLIENT.clientId);
        const request = new Request(new URL(req.originalUrl, o.appUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(params).toString(),
        });
        const claims = await oidc.implicitAuthentication(cfg, request, String(tx.nonce), {
          expectedState: tx.state,
        });
        session = {
          claims: { ...claims },
          idToken: String(params.id_token),
          clientId: LEGACY_CLIENT.clientId,
        };
      } else {
        const cfg = await config(APP_CLIENT.clientId);
        // The back channel: the browser never sees this request or the tokens.
        const tokens = await oidc.authorizationCodeGrant(cfg, new URL(req.originalUrl, o.appUrl), {
          pkceCodeVerifier: tx.verifier,
          expectedState: faults.has('no-state') ? oidc.skipStateCheck : tx.state,
          expectedNonce: tx.nonce,
          idTokenExpected: true,
        });
        session = {
          claims: { ...tokens.claims() },
          idToken: String(tokens.id_token),
          clientId: APP_CLIENT.clientId,
        };
      }
    } catch (err) {
      const e = /** @type {any} */ (err);
      fail(400, e.error ?? e.code ?? 'invalid_response', e.error_description ?? e.message);
      return;
    }

    const sid = crypto.randomBytes(24).toString('base64url');
    sessions.set(sid, session);
    addSetCookie(res, serializeCookie(APP_COOKIES.session, sid, sidAttrs));
    const marker = faults.has('samesite-none-insecure') ? '?from=callback' : '';
    res.redirect(302, tx.returnTo + marker);
  };
  app.get(CALLBACK_PATH, callback);
  app.post(CALLBACK_PATH, express.urlencoded({ extended: false }), callback);

  // Logout from the app only: the authorization server's session (and SSO) stays.
  app.get('/logout', (req, res) => {
    dropSession(req, res);
    res.redirect(302, '/');
  });

  // RP-initiated logout: end the app session, then ask the authorization server to end its own.
  app.get('/logout/full', async (req, res) => {
    const { session } = currentSession(req);
    dropSession(req, res);
    const clientId = session?.clientId ?? (implicit ? LEGACY_CLIENT.clientId : APP_CLIENT.clientId);
    /** @type {Record<string, string>} */
    const params = session
      ? { id_token_hint: session.idToken, post_logout_redirect_uri: o.appUrl + '/' }
      : { client_id: clientId, post_logout_redirect_uri: o.appUrl + '/' };
    res.redirect(302, oidc.buildEndSessionUrl(await config(clientId), params).href);
  });

  app.use(
    (
      /** @type {any} */ err,
      /** @type {any} */ _req,
      /** @type {any} */ res,
      /** @type {any} */ _next,
    ) => {
      res
        .status(500)
        .type('html')
        .send(
          render(
            'Error',
            'error',
            `<h1>Something went wrong</h1><p id="error-description" class="error">${escapeHtml(err.message)}</p>`,
          ),
        );
    },
  );

  return {
    app,
    sessions,
    warmUp: () => config(implicit ? LEGACY_CLIENT.clientId : APP_CLIENT.clientId),
  };
}

/** @param {Record<string, any>} claims */
function displayName(claims) {
  return String(claims.name ?? claims.preferred_username ?? claims.email ?? claims.sub);
}
