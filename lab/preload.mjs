// `node --import ./lab/preload.mjs your-script.mjs` lets any script (a recorder, a one-off probe)
// reach http://*.localhost:PORT from Node exactly as the browsers do. startLab() installs the
// same resolver by itself, so scripts that start the lab in-process do not need this.
import { installLocalhostResolver } from './localhost-dns.mjs';

installLocalhostResolver();
