import { describe, expect, it } from 'vitest';
import {
  applyStorageChanges,
  DEFAULT_SETTINGS,
  loadSettings,
  readSettings,
  saveSetting,
  SETTING_KEYS,
  type Settings,
  type SettingsStorage,
} from '@/lib/settings';

const KEY = SETTING_KEYS.fetchKeysToVerify;

/** A storage.local stand-in: a plain map, with the calls it received. */
function memoryStorage(initial: Record<string, unknown> = {}) {
  const data = new Map(Object.entries(initial));
  const storage: SettingsStorage = {
    get: async (keys) =>
      Object.fromEntries(keys.filter((k) => data.has(k)).map((k) => [k, data.get(k)])),
    set: async (items) => {
      for (const [k, v] of Object.entries(items)) data.set(k, v);
    },
  };
  return { storage, data };
}

describe('settings', () => {
  it('fetching keys to verify signatures is on by default', () => {
    expect(DEFAULT_SETTINGS.fetchKeysToVerify).toBe(true);
    expect(readSettings({})).toEqual({ fetchKeysToVerify: true });
  });

  it.each<[string, Record<string, unknown>, Settings]>([
    ['switched off', { [KEY]: false }, { fetchKeysToVerify: false }],
    ['switched on', { [KEY]: true }, { fetchKeysToVerify: true }],
    ['a string is not a boolean', { [KEY]: 'false' }, { fetchKeysToVerify: true }],
    ['null', { [KEY]: null }, { fetchKeysToVerify: true }],
    ['a number', { [KEY]: 0 }, { fetchKeysToVerify: true }],
    ['other keys are ignored', { recording: false, fetchKeysToVerify: false }, DEFAULT_SETTINGS],
  ])('reads a stored record: %s', (_name, stored, expected) => {
    expect(readSettings(stored)).toEqual(expected);
  });

  it.each<[string, Settings, Record<string, { newValue?: unknown }>, Settings]>([
    [
      'turned off',
      { fetchKeysToVerify: true },
      { [KEY]: { newValue: false } },
      { fetchKeysToVerify: false },
    ],
    [
      'turned on',
      { fetchKeysToVerify: false },
      { [KEY]: { newValue: true } },
      { fetchKeysToVerify: true },
    ],
    [
      'removed: the default',
      { fetchKeysToVerify: false },
      { [KEY]: {} },
      { fetchKeysToVerify: true },
    ],
    [
      'malformed: the default',
      { fetchKeysToVerify: false },
      { [KEY]: { newValue: 'no' } },
      { fetchKeysToVerify: true },
    ],
  ])('follows a storage change: %s', (_name, current, changes, expected) => {
    expect(applyStorageChanges(current, changes)).toEqual(expected);
  });

  it('returns the same object when no setting changed', () => {
    const current: Settings = { fetchKeysToVerify: false };
    expect(applyStorageChanges(current, { recording: { newValue: true } })).toBe(current);
    expect(applyStorageChanges(current, { [KEY]: { newValue: false } })).toBe(current);
  });

  it('saves one key per setting and loads it back', async () => {
    const { storage, data } = memoryStorage({ recording: true });
    expect(await loadSettings(storage)).toEqual(DEFAULT_SETTINGS);
    await saveSetting(storage, 'fetchKeysToVerify', false);
    expect(Object.fromEntries(data)).toEqual({ recording: true, [KEY]: false });
    expect(await loadSettings(storage)).toEqual({ fetchKeysToVerify: false });
  });
});
