import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Three parties on three *.localhost host names (Chromium resolves them to loopback itself). */
export interface HopServers {
  app: string;
  auth: string;
  idp: string;
  /** The hops a browser goes through from `${app}/start` to `${app}/home`. */
  expectedHops: {
    method: string;
    url: string;
    status: number;
    redirect?: string;
    setCookies: string[];
  }[];
  close(): Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

async function listen(handler: Handler): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function redirect(res: http.ServerResponse, status: number, location: string, cookies: string[]) {
  res.writeHead(status, { Location: location, 'Set-Cookie': cookies });
  res.end();
}

/**
 * A login-shaped chain with no protocol in it: the app redirects to "auth", auth to "idp", the idp
 * shows a form whose POST redirects back through auth to the app. Every hop sets a cookie.
 */
export async function startHopServers(): Promise<HopServers> {
  const ports = { app: 0, auth: 0, idp: 0 };
  const url = (who: keyof typeof ports, path: string) =>
    `http://${who}.localhost:${ports[who]}${path}`;

  const app = await listen((req, res) => {
    const path = req.url ?? '/';
    if (path === '/start')
      return redirect(res, 302, url('auth', '/authorize?client=app'), [
        'app_tx=t1; Path=/; HttpOnly',
      ]);
    if (path.startsWith('/callback')) {
      return redirect(res, 302, '/home', [
        'app_session=s1; Path=/; HttpOnly; SameSite=Lax',
        'app_tx=; Path=/; Max-Age=0',
      ]);
    }
    if (path === '/home') {
      res.writeHead(200, { 'Content-Type': 'text/html', 'Set-Cookie': 'app_seen=1; Path=/' });
      return void res.end('<!doctype html><title>home</title><h1 id="done">Logged in</h1>');
    }
    res.writeHead(404).end();
  });
  const auth = await listen((req, res) => {
    const path = req.url ?? '/';
    if (path.startsWith('/authorize'))
      return redirect(res, 302, url('idp', '/login'), ['auth_tx=a1; Path=/; HttpOnly']);
    if (path.startsWith('/callback')) {
      return redirect(res, 302, url('app', '/callback?code=xyz'), [
        'auth_session=as1; Path=/; HttpOnly',
      ]);
    }
    res.writeHead(404).end();
  });
  const idp = await listen((req, res, body) => {
    if (req.method === 'GET' && req.url === '/login') {
      res.writeHead(200, { 'Content-Type': 'text/html', 'Set-Cookie': 'idp_visit=v1; Path=/' });
      return void res.end(
        '<!doctype html><title>login</title><form method="post" action="/login">' +
          '<input name="user" id="user"><input name="password" id="password" type="password">' +
          '<button id="submit">Log in</button></form>',
      );
    }
    if (req.method === 'POST' && req.url === '/login' && body.includes('user=')) {
      return redirect(res, 303, url('auth', '/callback?code=abc'), [
        'idp_session=is1; Path=/; HttpOnly',
      ]);
    }
    res.writeHead(400).end();
  });
  ports.app = app.port;
  ports.auth = auth.port;
  ports.idp = idp.port;

  return {
    app: url('app', ''),
    auth: url('auth', ''),
    idp: url('idp', ''),
    expectedHops: [
      {
        method: 'GET',
        url: url('app', '/start'),
        status: 302,
        redirect: url('auth', '/authorize?client=app'),
        setCookies: ['app_tx'],
      },
      {
        method: 'GET',
        url: url('auth', '/authorize?client=app'),
        status: 302,
        redirect: url('idp', '/login'),
        setCookies: ['auth_tx'],
      },
      { method: 'GET', url: url('idp', '/login'), status: 200, setCookies: ['idp_visit'] },
      {
        method: 'POST',
        url: url('idp', '/login'),
        status: 303,
        redirect: url('auth', '/callback?code=abc'),
        setCookies: ['idp_session'],
      },
      {
        method: 'GET',
        url: url('auth', '/callback?code=abc'),
        status: 302,
        redirect: url('app', '/callback?code=xyz'),
        setCookies: ['auth_session'],
      },
      {
        method: 'GET',
        url: url('app', '/callback?code=xyz'),
        status: 302,
        redirect: url('app', '/home'),
        setCookies: ['app_session', 'app_tx'],
      },
      { method: 'GET', url: url('app', '/home'), status: 200, setCookies: ['app_seen'] },
    ],
    close: async () => {
      for (const s of [app.server, auth.server, idp.server]) {
        s.closeAllConnections();
        await new Promise((r) => s.close(r));
      }
    },
  };
}
