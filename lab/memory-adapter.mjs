// A per-provider in-memory store for oidc-provider. The library's own quick-start adapter
// warns on every start and shares one store between the two providers of this process; the
// lab keeps the authorization server's and the IdP's sessions, grants and codes apart.

/** oidc-provider models whose entries belong to a grant (revoked together at logout). */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

/** @returns {(model: string) => object} an adapter factory for the `adapter` setting */
export function createMemoryAdapter() {
  /** @type {Map<string, { value: any, expiresAt: number }>} */
  const store = new Map();
  let writes = 0;

  /** @param {string} key */
  const get = (key) => {
    const entry = store.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      store.delete(key);
      return undefined;
    }
    return entry.value;
  };
  /** @param {string} key @param {any} value @param {number | undefined} expiresIn seconds */
  const set = (key, value, expiresIn) => {
    store.set(key, {
      value,
      expiresAt: typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Infinity,
    });
    // Drop expired entries now and then so a lab left running for days stays small.
    if (++writes % 200 === 0) for (const k of [...store.keys()]) get(k);
  };

  return (/** @type {string} */ model) => {
    /** @param {string} id */
    const key = (id) => `${model}:${id}`;
    return {
      async upsert(
        /** @type {string} */ id,
        /** @type {any} */ payload,
        /** @type {number | undefined} */ expiresIn,
      ) {
        set(key(id), payload, expiresIn);
        if (model === 'Session' && payload.uid) set(`sessionUid:${payload.uid}`, id, expiresIn);
        if (payload.userCode) set(`userCode:${payload.userCode}`, id, expiresIn);
        if (GRANTABLE.has(model) && payload.grantId) {
          const members = get(`grant:${payload.grantId}`) ?? new Set();
          members.add(key(id));
          set(`grant:${payload.grantId}`, members, undefined);
        }
      },
      async find(/** @type {string} */ id) {
        return get(key(id));
      },
      async findByUid(/** @type {string} */ uid) {
        const id = get(`sessionUid:${uid}`);
        return id ? get(key(id)) : undefined;
      },
      async findByUserCode(/** @type {string} */ userCode) {
        const id = get(`userCode:${userCode}`);
        return id ? get(key(id)) : undefined;
      },
      async consume(/** @type {string} */ id) {
        const value = get(key(id));
        if (value) value.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(/** @type {string} */ id) {
        store.delete(key(id));
      },
      async revokeByGrantId(/** @type {string} */ grantId) {
        for (const member of get(`grant:${grantId}`) ?? []) store.delete(member);
        store.delete(`grant:${grantId}`);
      },
    };
  };
}
