// Vitest setup file: every test process may connect to loopback addresses and local sockets only. A connection
// to any other address fails the call at once with a message naming it, so a test can never reach (or wait for)
// the internet or a private network. Names are resolved as usual and the resolved address is checked, so a test
// that expects an unresolvable host still sees ENOTFOUND.
import dns from 'node:dns'
import net from 'node:net'

const isLoopback = (address: string): boolean =>
  net.isIPv4(address) ? address.startsWith('127.') : address === '::1' || address.startsWith('::ffff:127.')

function refusal(address: string, host: string): Error {
  const error = new Error(`test network guard: connection to non-loopback address ${address} (${host}) refused`) as Error & {
    code: string
  }
  error.code = 'ECONNREFUSED'
  return error
}

type Lookup = NonNullable<net.TcpSocketConnectOpts['lookup']>

const guardedLookup: Lookup = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) {
      callback(error, '', 4)
      return
    }
    const list = addresses as dns.LookupAddress[]
    const bad = list.find((a) => !isLoopback(a.address))
    if (bad) {
      callback(refusal(bad.address, hostname), '', 4)
      return
    }
    if ((options as dns.LookupOptions).all) {
      ;(callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list)
      return
    }
    const first = list[0] as dns.LookupAddress
    callback(null, first.address, first.family)
  })
}

const original = net.Socket.prototype.connect
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const first = args[0]
  const options: Record<string, unknown> | undefined =
    Array.isArray(first) ? (first[0] as Record<string, unknown>) : typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : undefined
  if (options && typeof options.path !== 'string') {
    const host = typeof options.host === 'string' ? options.host : 'localhost'
    if (net.isIP(host)) {
      if (!isLoopback(host)) {
        throw refusal(host, host)
      }
    } else {
      options.lookup = guardedLookup
    }
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    const host = typeof args[1] === 'string' ? args[1] : 'localhost'
    if (net.isIP(host) && !isLoopback(host)) {
      throw refusal(host, host)
    }
    if (!net.isIP(host)) {
      return (original as (...a: unknown[]) => net.Socket).call(this, { port: Number(first), host, lookup: guardedLookup }, ...args.slice(2))
    }
  }
  return (original as (...a: unknown[]) => net.Socket).apply(this, args)
} as typeof net.Socket.prototype.connect
