import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { escapeHtml, startLoopbackServer } from '../../src/infra/loopback-server.js'

/** A port the OS just handed out (free a moment ago); the listener tests never use the fixed login ports. */
async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** A raw GET with a chosen Host header (fetch does not let a page set Host). */
function rawGet(port: number, target: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`)
    })
    let data = ''
    socket.setEncoding('utf8').on('data', (d: string) => (data += d))
    socket.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1]), body: data.split('\r\n\r\n').slice(1).join('') }))
    socket.on('error', reject)
  })
}

describe('loopback listener', () => {
  it('binds 127.0.0.1 only and names the redirect URI of its port', async () => {
    const port = await freePort()
    const listener = await startLoopbackServer({ ports: [port], expectedState: 's1' })
    try {
      expect(listener.redirectUri).toBe(`http://127.0.0.1:${port}/callback`)
      // Nothing listens on another local address of this port.
      await expect(fetch(`http://[::1]:${port}/callback`)).rejects.toThrow()
    } finally {
      await listener.close()
    }
  })

  it('refuses a foreign Host header (DNS rebinding) and paths other than the callback', async () => {
    const port = await freePort()
    const listener = await startLoopbackServer({ ports: [port], expectedState: 's1' })
    try {
      expect((await rawGet(port, '/callback?code=c&state=s1', 'evil.example:80')).status).toBe(400)
      expect((await rawGet(port, '/callback?code=c&state=s1', `localhost:${port}`)).status).toBe(400)
      expect((await fetch(`http://127.0.0.1:${port}/favicon.ico`)).status).toBe(404)
      expect((await fetch(`http://127.0.0.1:${port}/callback`)).status).toBe(400)
      // None of these settled the login: the valid callback still goes through.
      const delivered = fetch(`http://127.0.0.1:${port}/callback?code=c&state=s1`)
      const callback = await listener.callback
      expect(callback.url.searchParams.get('code')).toBe('c')
      callback.respond(true, 'ok')
      expect((await delivered).status).toBe(200)
    } finally {
      await listener.close()
    }
  })

  it('accepts one callback: a replay of the same URL is refused', async () => {
    const port = await freePort()
    const listener = await startLoopbackServer({ ports: [port], expectedState: 's1' })
    try {
      const url = `http://127.0.0.1:${port}/callback?code=c&state=s1`
      const first = fetch(url)
      const callback = await listener.callback
      const replay = await fetch(url)
      expect(replay.status).toBe(400)
      expect(await replay.text()).toContain('already been completed')
      callback.respond(true, 'You are signed in.')
      expect((await first).status).toBe(200)
    } finally {
      await listener.close()
    }
  })

  it('rejects a callback with another state (state mismatch) and shows a failure page', async () => {
    const port = await freePort()
    const listener = await startLoopbackServer({ ports: [port], expectedState: 's1' })
    const outcome = listener.callback.then(
      () => 'accepted',
      (error: Error) => error.message,
    )
    try {
      const res = await fetch(`http://127.0.0.1:${port}/callback?code=c&state=other`)
      expect(res.status).toBe(400)
      expect(await res.text()).toContain('State mismatch')
      expect(await outcome).toBe('could not complete the login: state mismatch (the callback does not belong to this login)')
    } finally {
      await listener.close()
    }
  })

  it('escapes provider text on the result page', async () => {
    const port = await freePort()
    const listener = await startLoopbackServer({ ports: [port], expectedState: 's1' })
    try {
      const delivered = fetch(`http://127.0.0.1:${port}/callback?error=access_denied&state=s1`)
      const callback = await listener.callback
      callback.respond(false, 'The authorization server answered access_denied: <script>alert(1)</script>')
      const body = await (await delivered).text()
      expect(body).not.toContain('<script>')
      expect(body).toContain('&#60;script&#62;alert(1)&#60;/script&#62;')
    } finally {
      await listener.close()
    }
    expect(escapeHtml(`a&b"c'd`)).toBe('a&#38;b&#34;c&#39;d')
  })

  it('falls back to the next port when one is busy; all busy is an error naming them', async () => {
    const [a, b] = [await freePort(), await freePort()]
    const blocker = net.createServer()
    await new Promise<void>((resolve) => blocker.listen(a, '127.0.0.1', resolve))
    try {
      const listener = await startLoopbackServer({ ports: [a, b], expectedState: 's1' })
      expect(listener.port).toBe(b)
      await expect(startLoopbackServer({ ports: [a, b], expectedState: 's1' })).rejects.toThrow(
        `could not start the login listener: ports ${a}, ${b} on 127.0.0.1 are all in use`,
      )
      await listener.close()
      // Closed means released at once.
      const again = await startLoopbackServer({ ports: [b], expectedState: 's1' })
      await again.close()
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()))
    }
  })
})
