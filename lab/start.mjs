// Entry point of the Storezero lab: starts the three parties on loopback, each on its own
// *.localhost host name (cookies ignore ports, so host names keep the sessions apart).
//   import { startLab } from './lab/start.mjs'   -> programmatic use (tests, recorders)
//   node lab/start.mjs [--faults=a,b] [--consent=always] [--log]   -> CLI, Ctrl-C stops it
import http from 'node:http';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { installLocalhostResolver } from './localhost-dns.mjs';
import { parseFaults, FAULTS } from './faults.mjs';
import { createIdp, IDP_USERS } from './idp.mjs';
import { createAuthServer, AUTH_USERS, BROKER_CLIENT } from './auth-server.mjs';
import { createStorezeroApp, appClients, APP_COOKIES } from './app.mjs';
import { FEDERATION_CALLBACK_PATH } from './federation.mjs';

export const HOSTS = Object.freeze({
  app: 'storezero.localhost',
  auth: 'auth.localhost',
  idp: 'facebook.localhost',
});
export const DEFAULT_PORTS = Object.freeze({ app: 3000, auth: 3001, idp: 3002 });

/** Demo accounts, as the scenarios and the README use them. */
export const USERS = Object.freeze({
  auth: {
    username: AUTH_USERS[0].username,
    password: AUTH_USERS[0].password,
    name: AUTH_USERS[0].claims.name,
  },
  idp: {
    username: IDP_USERS[0].email,
    password: IDP_USERS[0].password,
    name: IDP_USERS[0].claims.name,
  },
});

/** Cookie names per party, for tests and recorders that look for them. */
export const COOKIES = Object.freeze({
  app: { ...APP_COOKIES },
  auth: {
    session: '_session',
    interaction: '_interaction',
    resume: '_interaction_resume',
    federation: '_federation',
  },
  idp: { session: '_session', interaction: '_interaction', resume: '_interaction_resume' },
});

/** @typedef {'app' | 'auth' | 'idp'} Party */

/**
 * @param {import('./start.mjs').LabOptions} [options]
 * @returns {Promise<import('./start.mjs').Lab>}
 */
export async function startLab(options = {}) {
  // The app and auth call each other on the back channel by host name.
  installLocalhostResolver();
  const faults = parseFaults(options.faults);
  const consent = options.consent ?? 'first-party-skips';
  const ports = { ...DEFAULT_PORTS, ...options.ports };

  // Listen first: with port 0 the OS picks the port, and every issuer URL, redirect URI and
  // client registration depends on it. Handlers are attached once those URLs are known.
  /** @type {Record<Party, http.Server>} */
  const servers = { app: http.createServer(), auth: http.createServer(), idp: http.createServer() };
  const parties = /** @type {Party[]} */ (['app', 'auth', 'idp']);
  const results = await Promise.allSettled(parties.map((p) => listen(servers[p], ports[p])));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.all(parties.map((p) => closeServer(servers[p])));
    throw /** @type {PromiseRejectedResult} */ (failed).reason;
  }
  /** @param {Party} p */
  const urlOf = (p) =>
    `http://${HOSTS[p]}:${/** @type {import('node:net').AddressInfo} */ (servers[p].address()).port}`;
  const urls = { app: urlOf('app'), auth: urlOf('auth'), idp: urlOf('idp') };

  const idp = createIdp({
    issuer: urls.idp,
    clients: [
      {
        client_id: BROKER_CLIENT.clientId,
        client_secret: BROKER_CLIENT.clientSecret,
        client_name: 'Storezero login (auth.localhost)',
        redirect_uris: [urls.auth + FEDERATION_CALLBACK_PATH],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
  });
  const auth = createAuthServer({
    issuer: urls.auth,
    idpIssuer: urls.idp,
    clients: appClients(urls.app),
    consent,
  });
  const app = createStorezeroApp({ appUrl: urls.app, authIssuer: urls.auth, faults });

  const handlers = { app: app.app, auth: auth.app, idp: idp.app };
  for (const p of parties) {
    servers[p].on('request', options.log ? withLog(p, handlers[p], options.log) : handlers[p]);
  }

  const close = async () => {
    await Promise.all(parties.map((p) => closeServer(servers[p])));
  };
  try {
    // Fail now, not on the first click, if the back channel cannot reach auth.
    await app.warmUp();
  } catch (err) {
    await close();
    throw err;
  }

  return { urls, hosts: HOSTS, users: USERS, cookies: COOKIES, faults, consent, close };
}

/** @param {http.Server} server @param {number} port */
function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: the lab is never reachable from the network.
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
}

/** @param {http.Server} server */
function closeServer(server) {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve(undefined));
    // Browsers keep connections alive; without this close() would wait for them to time out.
    server.closeAllConnections();
  });
}

/**
 * One line per request: enough to follow the hops of a flow in the terminal.
 * @param {Party} party @param {http.RequestListener} handler @param {true | ((line: string) => void)} log
 * @returns {http.RequestListener}
 */
function withLog(party, handler, log) {
  const write = log === true ? (/** @type {string} */ line) => console.log(line) : log;
  return (req, res) => {
    res.on('finish', () => {
      const location = res.getHeader('location');
      const to = location ? ` -> ${String(location).slice(0, 120)}` : '';
      write(
        `${HOSTS[party].padEnd(19)} ${String(req.method).padEnd(4)} ${String(req.url).slice(0, 80)} ${res.statusCode}${to}`,
      );
    });
    handler(req, res);
  };
}

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {Record<string, string | true>} */
  const flags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    if (eq > 0) flags[arg.slice(2, eq)] = arg.slice(eq + 1);
    else if (
      argv[i + 1] !== undefined &&
      !argv[i + 1]?.startsWith('--') &&
      arg !== '--log' &&
      arg !== '--help'
    )
      flags[arg.slice(2)] = argv[++i] ?? '';
    else flags[arg.slice(2)] = true;
  }
  return flags;
}

/** @param {string | true | undefined} value @param {number} fallback */
function portFrom(value, fallback) {
  if (value === undefined || value === true || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`Bad port: ${value}`);
  return n;
}

async function main() {
  const flags = parseArgs(process.argv.slice(2));
  if (flags.help) {
    console.log(`Usage: node lab/start.mjs [--faults=a,b] [--consent=always] [--log]
       [--app-port=${DEFAULT_PORTS.app}] [--auth-port=${DEFAULT_PORTS.auth}] [--idp-port=${DEFAULT_PORTS.idp}]
Environment: LAB_FAULTS, LAB_CONSENT, LAB_LOG=1, LAB_APP_PORT, LAB_AUTH_PORT, LAB_IDP_PORT
Faults:\n${Object.entries(FAULTS)
      .map(([k, v]) => `  ${k.padEnd(24)}${v}`)
      .join('\n')}
  weak-client             no-state + no-pkce + no-nonce`);
    return;
  }
  const env = process.env;
  const consentFlag = flags.consent === true ? undefined : (flags.consent ?? env.LAB_CONSENT);
  if (
    consentFlag !== undefined &&
    consentFlag !== 'always' &&
    consentFlag !== 'first-party-skips'
  ) {
    throw new Error(`--consent must be "always" or "first-party-skips", not "${consentFlag}"`);
  }
  const lab = await startLab({
    faults: typeof flags.faults === 'string' ? flags.faults : env.LAB_FAULTS,
    consent: consentFlag,
    log: flags.log === true || env.LAB_LOG === '1' ? true : undefined,
    ports: {
      app: portFrom(flags['app-port'] ?? env.LAB_APP_PORT, DEFAULT_PORTS.app),
      auth: portFrom(flags['auth-port'] ?? env.LAB_AUTH_PORT, DEFAULT_PORTS.auth),
      idp: portFrom(flags['idp-port'] ?? env.LAB_IDP_PORT, DEFAULT_PORTS.idp),
    },
  });

  console.log(`Storezero lab is running (faults: ${lab.faults.join(', ') || 'none'}; consent: ${lab.consent})
  app   ${lab.urls.app}/account    (Storezero; /silent, /logout, /logout/full)
  auth  ${lab.urls.auth}    (authorization server; discovery at /.well-known/openid-configuration)
  idp   ${lab.urls.idp}    ("facebook" identity provider)
Users:
  ${HOSTS.auth.padEnd(19)} ${lab.users.auth.username} / ${lab.users.auth.password}
  ${HOSTS.idp.padEnd(19)} ${lab.users.idp.username} / ${lab.users.idp.password}
Press Ctrl-C to stop.`);

  let stopping = false;
  /** @param {NodeJS.Signals} signal */
  const stop = (signal) => {
    if (stopping) process.exit(1); // a second Ctrl-C: do not wait
    stopping = true;
    console.log(`\n${signal}: stopping the lab...`);
    lab.close().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

const invokedDirectly = (() => {
  try {
    return (
      !!process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href
    );
  } catch {
    return false;
  }
})();
if (invokedDirectly) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
