import type { Io } from './io.js'

/** Opens a URL for the user. */
export interface Browser {
  /**
   * Opens the URL in the user's browser. Resolves false (without throwing) when no browser can be opened here:
   * an SSH session, no display on Linux, a container. The caller then asks the user to open the URL by hand.
   */
  open(url: string): Promise<boolean>
}

/** Whether this environment can plausibly show a browser window. */
export function canOpenBrowser(io: Pick<Io, 'env' | 'platform'>): boolean {
  const env = io.env
  if (env.SSH_CONNECTION || env.SSH_TTY) {
    return false
  }
  if (io.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY && !env.BROWSER) {
    return false
  }
  return true
}

/** The system browser through the `open` package, loaded on first use. */
export function systemBrowser(io: Pick<Io, 'env' | 'platform'>): Browser {
  return {
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
