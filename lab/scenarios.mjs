// The lab's login scenarios (issue 3) as named script steps, driven through a PageAdapter (see
// adapters.mjs). Each scenario starts from a browser with no cookies for the lab's hosts (a new
// browser context) and performs its own set-up steps, so it can run alone or after others in a
// fresh context. Before each step it calls onStep(name), so a recorder can cut a HAR or trace
// per step. Selectors are the stable ids of the lab's own pages (SELECTORS below).

export const SELECTORS = Object.freeze({
  auth: {
    loginForm: '#login-form',
    username: '#username',
    password: '#password',
    submit: '#login-submit',
    loginError: '#login-error',
    federate: '#federate-facebook',
    cancel: '#login-cancel',
    consentForm: '#consent-form',
    consentApprove: '#consent-approve',
    consentDeny: '#consent-deny',
    logoutConfirm: '#logout-confirm',
    errorCode: '#error-code',
    errorDescription: '#error-description',
  },
  idp: { loginForm: '#idp-login-form', email: '#email', password: '#pass', submit: '#loginbutton' },
  app: {
    status: '#status',
    accountName: '#account-name',
    claims: '#id-token-claims',
    callbackError: '#callback-error',
    cookieMissing: '#cookie-missing',
  },
});

/**
 * @typedef {import('./scenarios.mjs').PageAdapter} PageAdapter
 * @typedef {import('./scenarios.mjs').LabInfo} LabInfo
 * @typedef {import('./scenarios.mjs').LoginOutcome} LoginOutcome
 */

/**
 * Where a login attempt ended, read from the page (never throws for a failed login).
 * @param {PageAdapter} page @param {LabInfo} lab
 * @returns {Promise<LoginOutcome>}
 */
export async function loginOutcome(page, lab) {
  const url = await page.url();
  if (url.startsWith(lab.urls.app + '/')) {
    const name = await page.text(SELECTORS.app.accountName);
    if (name !== null)
      return {
        outcome: 'logged-in',
        url,
        name: name.trim(),
        claims: parseClaims(await page.text(SELECTORS.app.claims)),
      };
    if ((await page.text(SELECTORS.app.cookieMissing)) !== null)
      return { outcome: 'cookie-rejected', url };
    const error = await page.text(SELECTORS.app.callbackError);
    if (error !== null) return { outcome: 'callback-error', url, error: error.trim() };
  } else if (url.startsWith(lab.urls.auth + '/')) {
    const error = await page.text(SELECTORS.auth.errorCode);
    if (error !== null) return { outcome: 'authorization-server-error', url, error: error.trim() };
    if ((await page.text(SELECTORS.auth.loginForm)) !== null) return { outcome: 'login-page', url };
    if ((await page.text(SELECTORS.auth.consentForm)) !== null)
      return { outcome: 'consent-page', url };
  } else if (url.startsWith(lab.urls.idp + '/')) {
    if ((await page.text(SELECTORS.idp.loginForm)) !== null)
      return { outcome: 'idp-login-page', url };
  }
  return { outcome: 'unknown', url };
}

/** @param {string | null} text */
function parseClaims(text) {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** @param {PageAdapter} page @param {LabInfo} lab */
async function expectLoggedIn(page, lab) {
  const result = await loginOutcome(page, lab);
  if (result.outcome !== 'logged-in') {
    throw new Error(
      `Expected to be logged in to Storezero, but ended at ${result.url} (${result.outcome}${result.error ? `: ${result.error}` : ''})`,
    );
  }
  return result;
}

/** @param {PageAdapter} page @param {LabInfo} lab @param {string} selector @param {string} what */
async function expectOn(page, lab, selector, what) {
  if ((await page.text(selector)) === null) {
    const where = await loginOutcome(page, lab);
    throw new Error(
      `Expected ${what}, but the browser is at ${where.url} (${where.outcome}${where.error ? `: ${where.error}` : ''})`,
    );
  }
}

/**
 * When the authorization server asks for consent (lab started with consent "always"), allow.
 * @param {PageAdapter} page @param {LabInfo} lab
 */
async function approveConsentIfAsked(page, lab) {
  const url = await page.url();
  if (
    url.startsWith(lab.urls.auth + '/') &&
    (await page.text(SELECTORS.auth.consentForm)) !== null
  ) {
    await page.click(SELECTORS.auth.consentApprove);
  }
}

/**
 * Pages that submit themselves (oidc-provider's form_post response and the logout
 * confirmation) are not resting points: wait until the browser is back at Storezero. Every lab
 * page marks <body data-page>; the library's form_post page does not.
 * @param {PageAdapter} page @param {LabInfo} lab
 */
async function settle(page, lab) {
  const url = await page.url();
  if (url.startsWith(lab.urls.app + '/')) return;
  const selfSubmitting =
    (await page.text('body[data-page]')) === null ||
    (await page.text('body[data-page="logout-confirm"]')) !== null;
  if (selfSubmitting) await page.waitForUrl(lab.urls.app + '/');
}

/**
 * The adapter with goto and click settling past self-submitting pages, so each step sees the
 * page a person would stop at.
 * @param {PageAdapter} page @param {LabInfo} lab
 * @returns {PageAdapter}
 */
function settling(page, lab) {
  return {
    ...page,
    url: () => page.url(),
    text: (selector) => page.text(selector),
    fill: (selector, value) => page.fill(selector, value),
    waitForUrl: (prefix) => page.waitForUrl(prefix),
    async goto(url) {
      await page.goto(url);
      await settle(page, lab);
    },
    async click(selector) {
      await page.click(selector);
      await settle(page, lab);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Steps. Each one leaves the browser on a Storezero page when it succeeds. They accept a plain
// adapter and wrap it with settling() themselves.

/**
 * /account -> login page at auth -> username/password -> back at /account. Needs no session at
 * auth (else auth answers at once: that is ssoLogin).
 * @param {PageAdapter} raw @param {LabInfo} lab
 */
export async function passwordLogin(raw, lab, user = lab.users.auth) {
  const page = settling(raw, lab);
  await page.goto(lab.urls.app + '/account');
  await expectOn(page, lab, SELECTORS.auth.loginForm, 'the login page of auth');
  await page.fill(SELECTORS.auth.username, user.username);
  await page.fill(SELECTORS.auth.password, user.password);
  await page.click(SELECTORS.auth.submit);
  await approveConsentIfAsked(page, lab);
  return expectLoggedIn(page, lab);
}

/**
 * /account -> auth login page -> "Log in with Facebook" -> facebook (login form only when
 * facebook has no session) -> back at /account.
 * @param {PageAdapter} raw @param {LabInfo} lab
 * @param {{ expectIdpPassword?: boolean, user?: LabInfo['users']['idp'] }} [options]
 *   expectIdpPassword: throw unless facebook did (true) or did not (false) ask for a password
 */
export async function federatedLogin(raw, lab, options = {}) {
  const page = settling(raw, lab);
  const user = options.user ?? lab.users.idp;
  await page.goto(lab.urls.app + '/account');
  await expectOn(page, lab, SELECTORS.auth.loginForm, 'the login page of auth');
  await page.click(SELECTORS.auth.federate);
  const idpAskedPassword =
    (await page.url()).startsWith(lab.urls.idp + '/') &&
    (await page.text(SELECTORS.idp.loginForm)) !== null;
  if (options.expectIdpPassword !== undefined && options.expectIdpPassword !== idpAskedPassword) {
    throw new Error(
      options.expectIdpPassword
        ? `Expected facebook to ask for a password, but it answered at once (now at ${await page.url()})`
        : 'Expected facebook to answer from its session, but it showed its login page',
    );
  }
  if (idpAskedPassword) {
    await page.fill(SELECTORS.idp.email, user.username);
    await page.fill(SELECTORS.idp.password, user.password);
    await page.click(SELECTORS.idp.submit);
  }
  await approveConsentIfAsked(page, lab);
  return { ...(await expectLoggedIn(page, lab)), idpAskedPassword };
}

/**
 * /account while auth still has a session: auth answers with a code at once, no login page.
 * @param {PageAdapter} raw @param {LabInfo} lab
 */
export async function ssoLogin(raw, lab) {
  const page = settling(raw, lab);
  await page.goto(lab.urls.app + '/account');
  const result = await loginOutcome(page, lab);
  if (result.outcome !== 'logged-in') {
    throw new Error(
      `Expected single sign-on straight back to /account, but ended at ${result.url} (${result.outcome})`,
    );
  }
  return result;
}

/**
 * /silent: a prompt=none authorization request. 'success' while auth has a session, else the
 * error code the app's callback shows (login_required).
 * @param {PageAdapter} raw @param {LabInfo} lab
 * @returns {Promise<{ result: string, url: string }>}
 */
export async function silentLogin(raw, lab) {
  const page = settling(raw, lab);
  await page.goto(lab.urls.app + '/silent');
  const result = await loginOutcome(page, lab);
  if (result.outcome === 'logged-in') return { result: 'success', url: result.url };
  if (result.outcome === 'callback-error' && result.error)
    return { result: result.error, url: result.url };
  throw new Error(`Silent login ended at ${result.url} (${result.outcome})`);
}

/**
 * /logout: ends the Storezero session only.
 * @param {PageAdapter} raw @param {LabInfo} lab
 */
export async function appLogout(raw, lab) {
  const page = settling(raw, lab);
  await page.goto(lab.urls.app + '/logout');
  return expectLoggedOutHome(page, lab);
}

/**
 * /logout/full: ends the Storezero session, then RP-initiated logout at auth's end_session
 * endpoint (its confirmation page submits itself) and back to Storezero's home page.
 * @param {PageAdapter} raw @param {LabInfo} lab
 */
export async function fullLogout(raw, lab) {
  const page = settling(raw, lab);
  await page.goto(lab.urls.app + '/logout/full');
  return expectLoggedOutHome(page, lab);
}

/** @param {PageAdapter} page @param {LabInfo} lab */
async function expectLoggedOutHome(page, lab) {
  const url = await page.url();
  const status = (await page.text(SELECTORS.app.status))?.trim();
  if (!url.startsWith(lab.urls.app + '/') || status !== 'Not logged in') {
    throw new Error(`Expected Storezero's home page, logged out; found "${status}" at ${url}`);
  }
  return { url, status };
}

/**
 * Opens /account and reports where the login ended instead of insisting on success: the
 * faulty variants end on an error page or without a session.
 * @param {PageAdapter} raw @param {LabInfo} lab
 */
export async function attemptPasswordLogin(raw, lab, user = lab.users.auth) {
  const page = settling(raw, lab);
  await page.goto(lab.urls.app + '/account');
  if ((await page.text(SELECTORS.auth.loginForm)) === null) return loginOutcome(page, lab);
  await page.fill(SELECTORS.auth.username, user.username);
  await page.fill(SELECTORS.auth.password, user.password);
  await page.click(SELECTORS.auth.submit);
  await approveConsentIfAsked(page, lab);
  return loginOutcome(page, lab);
}

/**
 * What a browser should show for a login under the given faults.
 * @param {readonly string[]} faults
 * @returns {LoginOutcome['outcome']}
 */
export function expectedFaultyOutcome(faults) {
  if (faults.includes('redirect-uri-mismatch')) return 'authorization-server-error';
  // Browsers refuse SameSite=None without Secure (the unit tests' cookie jar does not).
  if (faults.includes('samesite-none-insecure')) return 'cookie-rejected';
  return 'logged-in';
}

// ---------------------------------------------------------------------------------------------
// Scenarios

/** @typedef {(name: string) => void | Promise<void>} StepHook */

/**
 * @param {StepHook | undefined} onStep
 * @param {Array<{ step: string } & Record<string, unknown>>} log
 */
const stepper =
  (onStep, log) => async (/** @type {string} */ name, /** @type {() => Promise<any>} */ fn) => {
    await onStep?.(name);
    const result = await fn();
    log.push({ step: name, ...result });
    return result;
  };

/** @type {import('./scenarios.mjs').Scenario[]} */
export const SCENARIOS = [
  {
    id: 1,
    name: 'password-login',
    title: 'Username/password login: the app and auth sessions come to life',
    async run(page, lab, step) {
      await step('password-login', () => passwordLogin(page, lab));
    },
  },
  {
    id: 2,
    name: 'federated-login',
    title: 'Login through facebook: app, auth and facebook sessions',
    async run(page, lab, step) {
      await step('federated-login', () => federatedLogin(page, lab, { expectIdpPassword: true }));
    },
  },
  {
    id: 3,
    name: 'sso',
    title: 'A second login while the auth session lives: no login prompt',
    async run(page, lab, step) {
      await step('setup-password-login', () => passwordLogin(page, lab));
      await step('app-logout', () => appLogout(page, lab));
      await step('sso-login', () => ssoLogin(page, lab));
    },
  },
  {
    id: 4,
    name: 'silent-auth',
    title: 'prompt=none: success while logged in, login_required after logout',
    async run(page, lab, step) {
      await step('setup-password-login', () => passwordLogin(page, lab));
      await step('silent-auth-success', async () =>
        expectSilent(await silentLogin(page, lab), 'success'),
      );
      await step('full-logout', () => fullLogout(page, lab));
      await step('silent-auth-login-required', async () =>
        expectSilent(await silentLogin(page, lab), 'login_required'),
      );
    },
  },
  {
    id: 5,
    name: 'logout',
    title: 'App-only logout, then full logout: the facebook session survives',
    async run(page, lab, step) {
      await step('setup-federated-login', () =>
        federatedLogin(page, lab, { expectIdpPassword: true }),
      );
      await step('app-logout', () => appLogout(page, lab));
      await step('sso-login', () => ssoLogin(page, lab)); // auth's session outlived the app logout
      await step('full-logout', () => fullLogout(page, lab));
      await step('federated-login-idp-session', () =>
        federatedLogin(page, lab, { expectIdpPassword: false }),
      );
    },
  },
  {
    id: 6,
    name: 'faulty-login',
    title: 'A login under the lab faults of this run (start the lab with faults)',
    async run(page, lab, step) {
      await step('faulty-login', async () => {
        const result = await attemptPasswordLogin(page, lab);
        const expected = expectedFaultyOutcome(lab.faults);
        if (result.outcome !== expected) {
          throw new Error(
            `With faults [${lab.faults.join(', ')}] expected ${expected}, got ${result.outcome} at ${result.url}`,
          );
        }
        return result;
      });
    },
  },
];

/** @param {{ result: string, url: string }} got @param {string} expected */
function expectSilent(got, expected) {
  if (got.result !== expected)
    throw new Error(`Silent login: expected ${expected}, got ${got.result} at ${got.url}`);
  return got;
}

/**
 * Runs one scenario by id or name in the given page (a fresh browser context is expected).
 * @param {number | string} which
 * @param {PageAdapter} page
 * @param {LabInfo} lab
 * @param {{ onStep?: StepHook }} [options]
 */
export async function runScenario(which, page, lab, options = {}) {
  const scenario = SCENARIOS.find((s) => s.id === which || s.name === which);
  if (!scenario) throw new Error(`Unknown scenario ${which}`);
  /** @type {Array<{ step: string } & Record<string, unknown>>} */
  const steps = [];
  await scenario.run(page, lab, stepper(options.onStep, steps));
  return { id: scenario.id, name: scenario.name, steps };
}
