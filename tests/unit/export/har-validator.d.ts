// har-validator 5 ships no types; the promise API used by the tests.
declare module 'har-validator' {
  /** Resolves with the data when it is a valid HAR 1.2 document, rejects with a HARError. */
  export function har(data: unknown): Promise<unknown>;
}
