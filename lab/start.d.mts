// Types for start.mjs (the lab is plain ESM JavaScript so it runs on Node 20 with no build).
import type { FaultName } from './faults.mjs';

export type Party = 'app' | 'auth' | 'idp';

export interface LabOptions {
  /** Ports per party; 0 lets the OS pick a free one. Defaults 3000 / 3001 / 3002. */
  ports?: Partial<Record<Party, number>>;
  /** Faulty variants for this run: "a,b" or a list (see faults.mjs; alias "weak-client"). */
  faults?: string | readonly string[];
  /** 'first-party-skips' (default): Storezero never sees a consent page; 'always': it does once. */
  consent?: 'first-party-skips' | 'always';
  /** Log one line per request: true for console.log, or your own writer. */
  log?: true | ((line: string) => void);
}

export interface LabUser {
  username: string;
  password: string;
  name: string;
}

export interface Lab {
  /** Origins without a trailing slash, e.g. http://storezero.localhost:3000. */
  urls: Record<Party, string>;
  hosts: Readonly<Record<Party, string>>;
  users: { auth: LabUser; idp: LabUser };
  cookies: typeof COOKIES;
  faults: FaultName[];
  consent: 'first-party-skips' | 'always';
  close(): Promise<void>;
}

export declare const HOSTS: Readonly<Record<Party, string>>;
export declare const DEFAULT_PORTS: Readonly<Record<Party, number>>;
export declare const USERS: Readonly<{ auth: LabUser; idp: LabUser }>;
export declare const COOKIES: Readonly<{
  app: { session: string; transaction: string };
  auth: { session: string; interaction: string; resume: string; federation: string };
  idp: { session: string; interaction: string; resume: string };
}>;

export declare function startLab(options?: LabOptions): Promise<Lab>;
