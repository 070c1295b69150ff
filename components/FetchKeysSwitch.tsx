import type { Settings } from '@/lib/settings';
import { changeSetting } from './use-settings';

/**
 * The "Fetch keys to verify signatures" switch, next to Verify in the Tokens tab. It is stored
 * in the browser profile, so it holds for every panel and the viewer, and after a restart.
 */
export function FetchKeysSwitch({ settings }: { settings: Settings | undefined }) {
  return (
    <label class="setting">
      <input
        type="checkbox"
        data-testid="setting-fetch-keys"
        checked={settings?.fetchKeysToVerify ?? false}
        disabled={!settings}
        onChange={(e) => void changeSetting('fetchKeysToVerify', e.currentTarget.checked)}
      />{' '}
      Fetch keys to verify signatures
    </label>
  );
}
