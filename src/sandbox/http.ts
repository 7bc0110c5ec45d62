// HTTP plumbing shared by the Management API and the OpenID side: bounded body reads, JSON answers, Okta errors,
// and replaying a request whose body was already read.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import type { OktaError } from './errors.js'

/** The largest Management API body accepted (Okta's limit is about 1 MB). */
export const MAX_BODY = 1024 * 1024

/** Thrown by readBody when the body exceeds the limit. */
export class BodyTooLarge extends Error {}

/** Reads a request body of at most `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const length = Number(req.headers['content-length'] ?? NaN)
  if (Number.isFinite(length) && length > limit) {
    throw new BodyTooLarge()
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) {
      throw new BodyTooLarge()
    }
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

/** Sends a JSON answer (nothing for 204 or an undefined body). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) {
    return
  }
  for (const [k, v] of Object.entries(headers)) {
    res.setHeader(k, v)
  }
  res.statusCode = status
  if (status === 204 || body === undefined) {
    res.end()
    return
  }
  const text = JSON.stringify(body)
  res.setHeader('Content-Type', 'application/json')
  res.setHeader('Content-Length', Buffer.byteLength(text))
  res.end(text)
}

/** Sends an Okta error body with its status and headers. */
export function sendError(res: ServerResponse, error: OktaError): void {
  sendJson(res, error.status, error.body(), error.headers)
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** An unread copy of a request whose body was already read (oidc-provider parses bodies itself). */
export function replay(req: IncomingMessage, raw: Buffer): IncomingMessage {
  const copy = Readable.from([raw]) as Readable & Record<string, unknown>
  for (const field of ['headers', 'rawHeaders', 'method', 'httpVersion', 'httpVersionMajor', 'httpVersionMinor', 'socket', 'trailers']) {
    copy[field] = (req as unknown as Record<string, unknown>)[field]
  }
  copy.connection = req.socket
  return copy as unknown as IncomingMessage
}
