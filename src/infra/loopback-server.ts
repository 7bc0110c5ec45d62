// The RFC 8252 loopback listener of `oidc-setup login`: 127.0.0.1 only, one callback path, Host header checked, one
// valid callback accepted, then closed.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { AuthError } from '../domain/errors.js'
import { LOOPBACK_CALLBACK_PATH, loopbackRedirectUri } from '../domain/loopback.js'

/** The callback the browser delivered; the login answers it once it knows the outcome. */
export interface LoopbackCallback {
  url: URL
  /** Sends the short result page to the browser (provider text is HTML-escaped). */
  respond(ok: boolean, message: string): void
}

/** A listening loopback server. */
export interface LoopbackListener {
  port: number
  redirectUri: string
  /**
   * Resolves with the first callback that carries the expected `state` and a `code` or an `error`. A callback with
   * another state rejects with an AuthError (state mismatch); requests to other paths or hosts are refused.
   */
  callback: Promise<LoopbackCallback>
  /** Stops listening and drops open connections; idempotent. */
  close(): Promise<void>
}

/**
 * Starts the listener on the first free port of `ports`. All busy → AuthError naming them. `expectedState` is read
 * when a callback arrives (the login fills it in once the port, and so the redirect URI, is known).
 */
export async function startLoopbackServer(options: { ports: readonly number[]; expectedState: string }): Promise<LoopbackListener> {
  const busy: number[] = []
  for (const port of options.ports) {
    const server = http.createServer()
    try {
      await listen(server, port)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE' || (error as NodeJS.ErrnoException).code === 'EACCES') {
        busy.push(port)
        continue
      }
      throw error
    }
    return serve(server, (server.address() as AddressInfo).port, options)
  }
  throw new AuthError(`could not start the login listener: port${busy.length > 1 ? 's' : ''} ${busy.join(', ')} on 127.0.0.1 ${busy.length > 1 ? 'are all' : 'is'} in use`, {
    hint:
      'stop the program holding them, or pass --port N with a port registered as redirect URI http://127.0.0.1:N/callback in the Okta app',
  })
}

function listen(server: http.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error)
    server.once('error', onError)
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.removeListener('error', onError)
      resolve()
    })
  })
}

function serve(server: http.Server, port: number, options: { readonly expectedState: string }): LoopbackListener {
  let settled = false
  let resolveCallback!: (callback: LoopbackCallback) => void
  let rejectCallback!: (error: Error) => void
  const callback = new Promise<LoopbackCallback>((resolve, reject) => {
    resolveCallback = resolve
    rejectCallback = reject
  })
  const expectedHost = `127.0.0.1:${port}`
  server.on('request', (req, res) => {
    // DNS rebinding: a page on another origin that resolves to 127.0.0.1 still sends its own Host header.
    if (req.headers.host !== expectedHost) {
      send(res, 400, page(false, 'Wrong host.'))
      return
    }
    const url = new URL(req.url ?? '/', `http://${expectedHost}`)
    if (req.method !== 'GET' || url.pathname !== LOOPBACK_CALLBACK_PATH) {
      send(res, 404, page(false, 'Not found.'))
      return
    }
    if (settled) {
      send(res, 400, page(false, 'This login has already been completed or ended. Return to the terminal.'))
      return
    }
    const state = url.searchParams.get('state')
    const hasResult = url.searchParams.has('code') || url.searchParams.has('error')
    if (!hasResult) {
      send(res, 400, page(false, 'The request carries neither a code nor an error.'))
      return
    }
    settled = true
    if (!options.expectedState || state !== options.expectedState) {
      send(res, 400, page(false, 'State mismatch: this callback does not belong to the login in progress. Return to the terminal.'))
      rejectCallback(
        new AuthError('could not complete the login: state mismatch (the callback does not belong to this login)', {
          hint: 'run oidc-setup login again and finish the sign-in in the browser window it opened; an old or foreign callback was rejected',
        }),
      )
      return
    }
    let answered = false
    resolveCallback({
      url,
      respond(ok, message) {
        if (!answered) {
          answered = true
          send(res, ok ? 200 : 400, page(ok, message))
        }
      },
    })
  })
  let closed: Promise<void> | undefined
  return {
    port,
    redirectUri: loopbackRedirectUri(port),
    callback,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        // Give the result page a moment to flush, then drop keep-alive connections so the port is free at once.
        setTimeout(() => server.closeAllConnections(), 50).unref()
      })
      return closed
    },
  }
}

function send(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    connection: 'close',
  })
  res.end(body)
}

/** Escapes text for HTML (provider error descriptions are shown on the page). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}

function page(ok: boolean, message: string): string {
  const title = ok ? 'Signed in' : 'Sign-in failed'
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>oidc-setup: ${title}</title><style>body{font-family:system-ui,sans-serif;margin:4rem auto;max-width:36rem;color:#222}h1{font-size:1.4rem}</style></head><body><h1>${title}</h1><p>${escapeHtml(message)}</p></body></html>\n`
}
