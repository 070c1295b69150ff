export type FaultName =
  | 'no-state'
  | 'no-pkce'
  | 'no-nonce'
  | 'implicit-form-post'
  | 'redirect-uri-mismatch'
  | 'samesite-none-insecure';

export declare const FAULTS: Readonly<Record<FaultName, string>>;
export declare const FAULT_ALIASES: Readonly<Record<string, FaultName[]>>;
export declare function parseFaults(input: string | readonly string[] | undefined): FaultName[];
