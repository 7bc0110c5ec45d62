import net from 'node:net'
import { describe, expect, it } from 'vitest'

// test/helpers/loopback-only.ts is a vitest setup file: these prove it is in force and lets loopback through.
describe('test network guard', () => {
  it('refuses a connection to a non-loopback IP address at once', async () => {
    const error = await new Promise<Error>((resolve) => {
      try {
        const socket = net.connect({ host: '192.0.2.1', port: 443 })
        socket.on('error', resolve)
      } catch (e) {
        resolve(e as Error)
      }
    })
    expect(error.message).toContain('non-loopback address 192.0.2.1')
  })

  it('refuses fetch to a public address', async () => {
    await expect(fetch('http://198.51.100.7/')).rejects.toThrow()
  })

  it('lets loopback connections through', async () => {
    const server = net.createServer((s) => s.end('hi'))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as net.AddressInfo).port
    const text = await new Promise<string>((resolve, reject) => {
      const socket = net.connect({ host: 'localhost', port })
      let data = ''
      socket.on('data', (d) => (data += String(d)))
      socket.on('end', () => resolve(data))
      socket.on('error', reject)
    })
    server.close()
    expect(text).toBe('hi')
  })
})
