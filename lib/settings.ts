// The user's settings of the panel and viewer: what they are, their defaults, and how they are
// kept in a key-value storage (browser.storage.local in the extension). Pure: the storage is
// handed in, so this runs unchanged in tests.

/** Every user setting, each with its default in DEFAULT_SETTINGS. */
export interface Settings {
  /**
   * Whether Verify in the Tokens tab may fetch each issuer's discovery document and JWKS. Off:
   * the extension makes no request of its own, and signatures are not verified.
   */
  fetchKeysToVerify: boolean;
}

export type SettingName = keyof Settings;

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({ fetchKeysToVerify: true });

/** The storage key of each setting: one key each, so that two pages never overwrite each other. */
export const SETTING_KEYS: Readonly<Record<SettingName, string>> = Object.freeze({
  fetchKeysToVerify: 'settings.fetchKeysToVerify',
});

/** The part of browser.storage.local the settings use. */
export interface SettingsStorage {
  get(keys: string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

/** One changed key, as storage.onChanged reports it. */
export interface StorageChange {
  newValue?: unknown;
}

const NAMES = Object.keys(SETTING_KEYS) as SettingName[];

function isValid<N extends SettingName>(name: N, value: unknown): value is Settings[N] {
  return typeof value === typeof DEFAULT_SETTINGS[name];
}

/**
 * The settings a storage record holds: each stored value of the right type, the default for a
 * missing or malformed one (storage is never trusted to hold what we wrote). Does not write.
 */
export function readSettings(stored: Record<string, unknown>): Settings {
  const settings: Settings = { ...DEFAULT_SETTINGS };
  for (const name of NAMES) {
    const value = stored[SETTING_KEYS[name]];
    if (isValid(name, value)) settings[name] = value;
  }
  return settings;
}

/**
 * The settings after a storage.onChanged notification: a changed key takes its new value, a
 * removed key (no newValue) or a malformed one goes back to the default, other keys are ignored.
 * Returns `current` itself when no setting changed.
 */
export function applyStorageChanges(
  current: Settings,
  changes: Record<string, StorageChange>,
): Settings {
  let next = current;
  for (const name of NAMES) {
    const key = SETTING_KEYS[name];
    if (!(key in changes)) continue;
    const value = changes[key]?.newValue;
    const updated = isValid(name, value) ? value : DEFAULT_SETTINGS[name];
    if (updated !== next[name]) next = { ...next, [name]: updated };
  }
  return next;
}

/** Loads every setting from `storage` (defaults for what is missing). */
export async function loadSettings(storage: SettingsStorage): Promise<Settings> {
  return readSettings(await storage.get(Object.values(SETTING_KEYS)));
}

/** Stores one setting; pages that listen to storage changes see it too. */
export async function saveSetting<N extends SettingName>(
  storage: SettingsStorage,
  name: N,
  value: Settings[N],
): Promise<void> {
  await storage.set({ [SETTING_KEYS[name]]: value });
}
