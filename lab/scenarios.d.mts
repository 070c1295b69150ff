// Types for scenarios.mjs and adapters.mjs.
import type { LabUser, Party } from './start.mjs';

/** What the scenarios need from a browser page; see adapters.mjs for the contract. */
export interface PageAdapter {
  goto(url: string): Promise<void>;
  fill(selector: string, value: string): Promise<void>;
  click(selector: string): Promise<void>;
  url(): string | Promise<string>;
  text(selector: string): Promise<string | null>;
  waitForUrl(prefix: string): Promise<void>;
}

/** The part of a Lab the scenarios use (a lab started elsewhere can be described by hand). */
export interface LabInfo {
  urls: Record<Party, string>;
  users: { auth: LabUser; idp: LabUser };
  faults: readonly string[];
}

export interface LoginOutcome {
  outcome:
    | 'logged-in'
    | 'cookie-rejected'
    | 'callback-error'
    | 'authorization-server-error'
    | 'login-page'
    | 'consent-page'
    | 'idp-login-page'
    | 'unknown';
  url: string;
  name?: string;
  claims?: Record<string, unknown>;
  error?: string;
}

export type StepHook = (name: string) => void | Promise<void>;
export type Step = <T extends object>(name: string, fn: () => Promise<T>) => Promise<T>;

export interface Scenario {
  id: number;
  name: string;
  title: string;
  run(page: PageAdapter, lab: LabInfo, step: Step): Promise<void>;
}

export interface ScenarioResult {
  id: number;
  name: string;
  steps: Array<{ step: string } & Record<string, unknown>>;
}

export declare const SELECTORS: {
  readonly auth: Readonly<Record<string, string>>;
  readonly idp: Readonly<Record<string, string>>;
  readonly app: Readonly<Record<string, string>>;
};
export declare const SCENARIOS: Scenario[];

export declare function runScenario(
  which: number | string,
  page: PageAdapter,
  lab: LabInfo,
  options?: { onStep?: StepHook },
): Promise<ScenarioResult>;

export declare function loginOutcome(page: PageAdapter, lab: LabInfo): Promise<LoginOutcome>;
export declare function passwordLogin(
  page: PageAdapter,
  lab: LabInfo,
  user?: LabUser,
): Promise<LoginOutcome>;
export declare function federatedLogin(
  page: PageAdapter,
  lab: LabInfo,
  options?: { expectIdpPassword?: boolean; user?: LabUser },
): Promise<LoginOutcome & { idpAskedPassword: boolean }>;
export declare function ssoLogin(page: PageAdapter, lab: LabInfo): Promise<LoginOutcome>;
export declare function silentLogin(
  page: PageAdapter,
  lab: LabInfo,
): Promise<{ result: string; url: string }>;
export declare function appLogout(
  page: PageAdapter,
  lab: LabInfo,
): Promise<{ url: string; status: string }>;
export declare function fullLogout(
  page: PageAdapter,
  lab: LabInfo,
): Promise<{ url: string; status: string }>;
export declare function attemptPasswordLogin(
  page: PageAdapter,
  lab: LabInfo,
  user?: LabUser,
): Promise<LoginOutcome>;
export declare function expectedFaultyOutcome(faults: readonly string[]): LoginOutcome['outcome'];
