import path from 'node:path'
import type { Io } from './io.js'

/**
 * The directory holding profiles, locks and the opt-in secrets file: `$OIDC_SETUP_CONFIG_DIR`, else the
 * platform's config directory (XDG on Linux, Application Support on macOS, %APPDATA% on Windows).
 */
export function configHome(io: Pick<Io, 'env' | 'platform' | 'homedir'>): string {
  const explicit = io.env.OIDC_SETUP_CONFIG_DIR
  if (explicit) {
    return path.resolve(explicit)
  }
  if (io.platform === 'win32') {
    return path.join(io.env.APPDATA ?? path.join(io.homedir, 'AppData', 'Roaming'), 'oidc-setup')
  }
  if (io.platform === 'darwin') {
    return path.join(io.homedir, 'Library', 'Application Support', 'oidc-setup')
  }
  const xdg = io.env.XDG_CONFIG_HOME
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(io.homedir, '.config'), 'oidc-setup')
}
