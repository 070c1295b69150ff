import type { ExtensionBrowser } from './chromium';

export type SiteAccess = { allSites: true } | { sites: string[] };

/**
 * Sets the extension's Site access the way a user does in chrome://extensions (Details > Site
 * access): "On all sites", or "On specific sites" with the listed patterns. It calls the API the
 * settings page itself calls (chrome.developerPrivate, only available to that page), so the
 * browser withholds and grants host access exactly as it does for a user.
 */
export async function setSiteAccess(chromium: ExtensionBrowser, access: SiteAccess): Promise<void> {
  const settings = await chromium.browser.newPage();
  try {
    await settings.goto(`chrome://extensions/?id=${chromium.extensionId}`);
    await settings.evaluate(
      async (id: string, access: SiteAccess) => {
        const dp = (globalThis as unknown as { chrome: { developerPrivate: DeveloperPrivate } })
          .chrome.developerPrivate;
        if ('allSites' in access) {
          await dp.updateExtensionConfiguration({ extensionId: id, hostAccess: 'ON_ALL_SITES' });
          return;
        }
        await dp.updateExtensionConfiguration({ extensionId: id, hostAccess: 'ON_SPECIFIC_SITES' });
        const info = await dp.getExtensionInfo(id);
        for (const host of info.permissions.runtimeHostPermissions?.hosts ?? []) {
          if (host.granted && !access.sites.includes(host.host))
            await dp.removeHostPermission(id, host.host);
        }
        for (const site of access.sites) await dp.addHostPermission(id, site);
      },
      chromium.extensionId,
      access,
    );
  } finally {
    await settings.close();
  }
}

/** The part of chrome.developerPrivate (chrome://extensions' own API) this helper uses. */
interface DeveloperPrivate {
  updateExtensionConfiguration(update: {
    extensionId: string;
    hostAccess: 'ON_ALL_SITES' | 'ON_SPECIFIC_SITES' | 'ON_CLICK';
  }): Promise<void>;
  getExtensionInfo(id: string): Promise<{
    permissions: { runtimeHostPermissions?: { hosts: { granted: boolean; host: string }[] } };
  }>;
  addHostPermission(id: string, host: string): Promise<void>;
  removeHostPermission(id: string, host: string): Promise<void>;
}
