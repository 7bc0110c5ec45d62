// The request log behind `sandbox.requestLog`: every request in order, with its status and duration.
import type { IncomingMessage, ServerResponse } from 'node:http'

/** One request the sandbox received. */
export interface RequestLogEntry {
  method: string
  /** Path without the query string. */
  path: string
  /** Path with the query string. */
  url: string
  /** HTTP status sent; 0 when the connection was dropped (fault injection) or closed before a response. */
  status: number
  /** When the request arrived (ms since the epoch). */
  time: number
  durationMs: number
}

/** Entries the request log keeps (oldest dropped beyond). */
const REQUEST_LOG_LIMIT = 100_000

/** Appends a request to the log; its status and duration are filled in when the response finishes. */
export function logRequest(log: RequestLogEntry[], req: IncomingMessage, res: ServerResponse, url: URL): void {
  const started = Date.now()
  const entry: RequestLogEntry = { method: (req.method ?? 'GET').toUpperCase(), path: url.pathname, url: `${url.pathname}${url.search}`, status: 0, time: started, durationMs: 0 }
  log.push(entry)
  if (log.length > REQUEST_LOG_LIMIT) {
    // A long-running sandbox keeps the newest entries only.
    log.splice(0, log.length - REQUEST_LOG_LIMIT * 0.9)
  }
  res.once('finish', () => {
    entry.status = res.statusCode
    entry.durationMs = Date.now() - started
  })
  res.once('close', () => {
    entry.durationMs = Date.now() - started
  })
}
