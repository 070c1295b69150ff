import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import {
  applyStorageChanges,
  loadSettings,
  saveSetting,
  type SettingName,
  type Settings,
  type SettingsStorage,
  type StorageChange,
} from '@/lib/settings';

const storage: SettingsStorage = {
  get: (keys) => browser.storage.local.get(keys),
  set: (items) => browser.storage.local.set(items),
};

/**
 * The user's settings, read from storage.local and kept current when another page (another
 * panel, the viewer) changes them. `undefined` until they are loaded: a caller that must not act
 * on a default the user switched off waits for them.
 */
export function useSettings(): Settings | undefined {
  const [settings, setSettings] = useState<Settings | undefined>(undefined);
  useEffect(() => {
    let live = true;
    let loaded = false;
    const load = () =>
      void loadSettings(storage).then((settings) => {
        loaded = true;
        if (live) setSettings(settings);
      });
    const onChanged = (changes: Record<string, StorageChange>, area: string) => {
      if (area !== 'local') return;
      // Before the first load settles, read again rather than guess what it will return.
      if (loaded) setSettings((s) => (s ? applyStorageChanges(s, changes) : s));
      else load();
    };
    browser.storage.onChanged.addListener(onChanged);
    load();
    return () => {
      live = false;
      browser.storage.onChanged.removeListener(onChanged);
    };
  }, []);
  return settings;
}

/** Stores a setting; every page's useSettings() follows. */
export function changeSetting<N extends SettingName>(name: N, value: Settings[N]): Promise<void> {
  return saveSetting(storage, name, value);
}
