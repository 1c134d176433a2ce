import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy.ts';

/**
 * The window's security settings in one place, so that tests can check them without the Electron binary:
 * context isolation and sandbox on, no Node in the renderer, our CSP, navigation and new windows denied.
 */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
  } as const;
}

export { CONTENT_SECURITY_POLICY };

/** Navigation away from the app's own page is refused. */
export function isAllowedNavigation(targetUrl: string, appUrl: string): boolean {
  return targetUrl === appUrl;
}

/** The only way out of the app to the web: http(s) links, opened in the system browser, nothing else. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    return false;
  }
}
