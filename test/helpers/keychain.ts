/**
 * Whether a Secret Service session is reachable (tests run under dbus-run-session with gnome-keyring in CI).
 * With OIDC_SETUP_REQUIRE_KEYCHAIN=1 (set by .ci/run) keychain tests must run, so a missing session fails them
 * instead of skipping them.
 */
export const keychainRequired = process.env.OIDC_SETUP_REQUIRE_KEYCHAIN === '1'
export const keychainReachable = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS) || process.platform !== 'linux'
export const skipKeychain = !keychainReachable && !keychainRequired
export const keychainSkipReason = 'needs a Secret Service session (run under dbus-run-session with gnome-keyring)'
