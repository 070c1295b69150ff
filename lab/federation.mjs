// The authorization server's "Log in with Facebook" button. auth acts as an ordinary OpenID
// Connect relying party of the facebook IdP (code flow, PKCE S256, state, nonce) *inside* its
// own pending interaction, then finishes that interaction with the upstream identity. This is
// the broker pattern protocol.md section 3 describes: the nested authorization request's
// redirect_uri is on auth while the app's request is still pending.
import express from 'express';
import * as oidc from 'openid-client';
import { addSetCookie, parseCookies, serializeCookie, sign, unsign } from './http-util.mjs';

export const FEDERATION_CALLBACK_PATH = '/federation/facebook/callback';
// The upstream transaction rides in a cookie scoped to the fixed callback path: the
// _interaction cookie is scoped to /interaction/<uid> and would not reach the callback.
const TX_COOKIE = '_federation';

/**
 * @typedef {object} FederationOptions
 * @property {any} provider            the authorization server's oidc-provider
 * @property {string} issuer           the authorization server's issuer
 * @property {string} idpIssuer        the identity provider's issuer
 * @property {string} clientId         auth's client_id at the IdP
 * @property {string} clientSecret
 * @property {Map<string, any>} accounts  federated accounts are added here (keyed facebook|sub)
 * @property {string} secret           HMAC key for the transaction cookie
 * @property {(res: any, status: number, title: string, message: string) => void} renderError
 */

/** @param {FederationOptions} o */
export function federationRoutes(o) {
  const router = express.Router();
  const redirectUri = o.issuer + FEDERATION_CALLBACK_PATH;

  // Discovery happens on first use: the IdP may start listening after this router is built.
  /** @type {Promise<oidc.Configuration> | undefined} */
  let configPromise;
  const config = () => {
    configPromise ??= oidc
      .discovery(
        new URL(o.idpIssuer),
        o.clientId,
        undefined,
        oidc.ClientSecretBasic(o.clientSecret),
        {
          execute: [oidc.allowInsecureRequests],
        },
      )
      .catch((err) => {
        configPromise = undefined; // retry on the next click
        throw err;
      });
    return configPromise;
  };

  router.post('/interaction/:uid/federated', async (req, res) => {
    // Proves the interaction exists and belongs to this browser (the _interaction cookie).
    const details = await o.provider.interactionDetails(req, res);
    const verifier = oidc.randomPKCECodeVerifier();
    const tx = { uid: details.uid, state: oidc.randomState(), nonce: oidc.randomNonce(), verifier };
    const url = oidc.buildAuthorizationUrl(await config(), {
      client_id: o.clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: 'openid profile email',
      state: tx.state,
      nonce: tx.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    addSetCookie(
      res,
      serializeCookie(TX_COOKIE, sign(tx, o.secret), {
        path: FEDERATION_CALLBACK_PATH,
        maxAge: 600,
        httpOnly: true,
        sameSite: 'Lax', // the IdP's redirect back is a top-level GET: Lax cookies are sent
      }),
    );
    res.redirect(303, url.href);
  });

  router.get(FEDERATION_CALLBACK_PATH, async (req, res) => {
    const tx = unsign(parseCookies(req.headers.cookie)[TX_COOKIE], o.secret);
    if (!tx) {
      o.renderError(
        res,
        400,
        'Login failed',
        `No federation transaction: the ${TX_COOKIE} cookie was not sent.`,
      );
      return;
    }
    addSetCookie(
      res,
      serializeCookie(TX_COOKIE, '', {
        path: FEDERATION_CALLBACK_PATH,
        maxAge: 0,
        httpOnly: true,
        sameSite: 'Lax',
      }),
    );
    const interaction = await o.provider.Interaction.find(tx.uid);
    if (!interaction) {
      o.renderError(
        res,
        400,
        'Login failed',
        'The login transaction expired. Start again from the app.',
      );
      return;
    }

    const current = new URL(req.originalUrl, o.issuer);
    /** @type {any} */
    let result;
    if (current.searchParams.has('error')) {
      // The user cancelled at facebook (or it failed): pass the error on to the app.
      result = {
        error: current.searchParams.get('error') ?? 'access_denied',
        error_description:
          current.searchParams.get('error_description') ??
          'The identity provider returned an error',
      };
    } else {
      // The back channel: auth redeems the IdP's code at the IdP's token endpoint.
      const tokens = await oidc.authorizationCodeGrant(await config(), current, {
        pkceCodeVerifier: tx.verifier,
        expectedState: tx.state,
        expectedNonce: tx.nonce,
        idTokenExpected: true,
      });
      const claims = /** @type {Record<string, any>} */ (tokens.claims());
      const accountId = `facebook|${claims.sub}`;
      o.accounts.set(accountId, {
        sub: accountId,
        name: claims.name,
        given_name: claims.given_name,
        family_name: claims.family_name,
        email: claims.email,
        email_verified: claims.email_verified,
        idp: 'facebook',
      });
      result = { login: { accountId } };
    }

    // What provider.interactionFinished does, minus its need for the _interaction cookie.
    interaction.result = result;
    await interaction.save(interaction.exp - Math.floor(Date.now() / 1000));
    res.redirect(303, interaction.returnTo);
  });

  return router;
}
