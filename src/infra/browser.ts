import type { Io } from './io.js'

/** Opens a URL for the user. */
export interface Browser {
  /**
   * Opens the URL in the user's browser. Resolves false (without throwing) when no browser can be opened here:
   * an SSH session, no display on Linux, a container. The caller then asks the user to open the URL by hand.
   */
  open(url: string): Promise<boolean>
  /**
   * Why no browser can open here ("an SSH session", "no DISPLAY or WAYLAND_DISPLAY"), or undefined when one can;
   * `login` then picks the device flow. Browsers that always open (test doubles, --browser-command) omit it.
   */
  unavailable?(): string | undefined
}

/** Why this environment cannot show a browser window, or undefined when it plausibly can. */
export function browserUnavailableReason(io: Pick<Io, 'env' | 'platform'>): string | undefined {
  const env = io.env
  if (env.BROWSER) {
    return undefined
  }
  if (env.SSH_CONNECTION || env.SSH_TTY) {
    return 'this is an SSH session'
  }
  if (io.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    // Also what a container looks like: no display server to show a window on.
    return 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)'
  }
  return undefined
}

/** Whether this environment can plausibly show a browser window. */
export function canOpenBrowser(io: Pick<Io, 'env' | 'platform'>): boolean {
  return browserUnavailableReason(io) === undefined
}

/** The system browser through the `open` package, loaded on first use. */
export function systemBrowser(io: Pick<Io, 'env' | 'platform'>): Browser {
  return {
    unavailable: () => browserUnavailableReason(io),
    async open(url) {
      if (!canOpenBrowser(io)) {
        return false
      }
      try {
        const { default: open } = await import('open')
        const child = await open(url, { wait: false })
        return await new Promise<boolean>((resolve) => {
          child.once('error', () => resolve(false))
          // `open` resolves once the launcher starts; a launcher that fails at once reports it on exit.
          setTimeout(() => resolve(true), 300).unref()
          child.once('exit', (code) => resolve(code === 0 || code === null))
        })
      } catch {
        return false
      }
    },
  }
}
