import { invalidSearch, methodNotAllowed, validationError } from '../errors.js'
import { getPath, type JsonObject } from '../util.js'

/** A parsed Management API request. */
export interface ApiRequest {
  method: string
  path: string
  query: URLSearchParams
  body: unknown
  params: Record<string, string>
  orgUrl: string
}

/** What a handler answers. */
export interface ApiResponse {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

export type Handler = (req: ApiRequest) => ApiResponse | Promise<ApiResponse>

interface Route {
  method: string
  regex: RegExp
  names: string[]
  handler: Handler
}

/** The outcome of routing a request. */
export type RouteMatch =
  | { kind: 'found'; handler: Handler; params: Record<string, string> }
  | { kind: 'method'; allowed: string[] }
  | { kind: 'none' }

/** A minimal path router: `/api/v1/apps/:appId` patterns, 405 detection. */
export class Router {
  private readonly routes: Route[] = []

  add(method: string, pattern: string, handler: Handler): this {
    const names: string[] = []
    const source = pattern.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
      names.push(name)
      return '([^/]+)'
    })
    this.routes.push({ method, regex: new RegExp(`^${source}/?$`), names, handler })
    return this
  }

  match(method: string, path: string): RouteMatch {
    const allowed: string[] = []
    for (const route of this.routes) {
      const m = route.regex.exec(path)
      if (!m) {
        continue
      }
      if (route.method !== method) {
        allowed.push(route.method)
        continue
      }
      const params: Record<string, string> = {}
      route.names.forEach((name, i) => {
        const value = m[i + 1] ?? ''
        try {
          params[name] = decodeURIComponent(value)
        } catch {
          params[name] = value
        }
      })
      return { kind: 'found', handler: route.handler, params }
    }
    return allowed.length ? { kind: 'method', allowed } : { kind: 'none' }
  }
}

/** Throws 405 E0000022 for a path that exists under another method. */
export function notAllowed(method: string): never {
  throw methodNotAllowed(method)
}

/** A JSON 200/201 answer. */
export function ok(body: unknown, status = 200): ApiResponse {
  return { status, body }
}

/** A 204 answer. */
export function noContent(): ApiResponse {
  return { status: 204 }
}

interface Comparison {
  field: string
  op: 'eq' | 'sw' | 'ne' | 'pr' | 'gt' | 'lt' | 'ge' | 'le'
  value: string | boolean | undefined
}

/**
 * Parses Okta's SCIM-like `filter`/`search` expressions: `field op "value"` joined by `and`/`or` (no parentheses),
 * `op` one of eq, ne, sw, gt, ge, lt, le, pr. Returns a predicate over the JSON representation.
 */
export function parseFilter(expression: string, allowedFields?: string[]): (item: JsonObject) => boolean {
  const tokens = expression.trim().split(/\s+(and|or)\s+/i)
  const clauses: Comparison[] = []
  const joins: string[] = []
  tokens.forEach((token, i) => {
    if (i % 2 === 1) {
      joins.push(token.toLowerCase())
      return
    }
    const m = /^([A-Za-z0-9_.]+)\s+(eq|ne|sw|gt|ge|lt|le)\s+(?:"((?:[^"\\]|\\.)*)"|(true|false))$/i.exec(token.trim())
    const pr = /^([A-Za-z0-9_.]+)\s+pr$/i.exec(token.trim())
    if (m) {
      clauses.push({
        field: m[1] ?? '',
        op: (m[2] ?? 'eq').toLowerCase() as Comparison['op'],
        value: m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[4] === 'true',
      })
    } else if (pr) {
      clauses.push({ field: pr[1] ?? '', op: 'pr', value: undefined })
    } else {
      throw invalidSearch(`could not parse "${token}"`)
    }
  })
  for (const c of clauses) {
    if (allowedFields && !allowedFields.includes(c.field)) {
      throw invalidSearch(`filtering on "${c.field}" is not supported; use one of ${allowedFields.join(', ')}`)
    }
  }
  const test = (c: Comparison, item: JsonObject): boolean => {
    const actual = getPath(item, c.field)
    const values = Array.isArray(actual) ? actual : [actual]
    return values.some((v) => {
      const a = typeof v === 'string' ? v : typeof v === 'boolean' || typeof v === 'number' ? v : undefined
      switch (c.op) {
        case 'pr':
          return v !== undefined && v !== null
        case 'eq':
          return typeof a === 'string' && typeof c.value === 'string' ? a.toLowerCase() === c.value.toLowerCase() : a === c.value
        case 'ne':
          return a !== c.value
        case 'sw':
          return typeof a === 'string' && typeof c.value === 'string' && a.toLowerCase().startsWith(c.value.toLowerCase())
        case 'gt':
          return a !== undefined && c.value !== undefined && a > c.value
        case 'ge':
          return a !== undefined && c.value !== undefined && a >= c.value
        case 'lt':
          return a !== undefined && c.value !== undefined && a < c.value
        case 'le':
          return a !== undefined && c.value !== undefined && a <= c.value
      }
      return false
    })
  }
  return (item) => {
    let result = test(clauses[0] as Comparison, item)
    for (let i = 1; i < clauses.length; i += 1) {
      const value = test(clauses[i] as Comparison, item)
      result = joins[i - 1] === 'or' ? result || value : result && value
    }
    return result
  }
}

/** Options for a paged list. */
export interface PageOptions {
  /** Default `limit` when the request has none; -1 means all. */
  defaultLimit: number
  maxLimit: number
}

/**
 * Pages a list like Okta: `limit` and an opaque `after` cursor (the last id of the previous page), `Link` headers with
 * `rel="self"` and, when more follow, `rel="next"` (keeping the other query parameters).
 */
export function paginate(items: JsonObject[], req: ApiRequest, options: PageOptions): ApiResponse {
  const rawLimit = req.query.get('limit')
  let limit = options.defaultLimit
  if (rawLimit !== null) {
    const parsed = Number(rawLimit)
    if (!Number.isInteger(parsed)) {
      throw validationError('limit', `limit: '${rawLimit}' is not a valid integer`)
    }
    limit = parsed
  }
  if (limit < 0 || limit > options.maxLimit) {
    limit = options.maxLimit
  }
  const after = req.query.get('after')
  let start = 0
  if (after) {
    const index = items.findIndex((item) => item.id === after)
    start = index >= 0 ? index + 1 : items.length
  }
  const page = items.slice(start, start + limit)
  const base = `${req.orgUrl}${req.path}`
  const selfQuery = new URLSearchParams(req.query)
  const links = [`<${base}${selfQuery.size ? `?${selfQuery.toString()}` : ''}>; rel="self"`]
  const last = page[page.length - 1]
  if (start + limit < items.length && last) {
    const next = new URLSearchParams(req.query)
    next.set('after', String(last.id))
    next.set('limit', String(limit))
    links.push(`<${base}?${next.toString()}>; rel="next"`)
  }
  return { status: 200, body: page, headers: { Link: links.join(', ') } }
}

/** Applies `q` (prefix match on the given fields, case-insensitive) and `filter`/`search`. */
export function search(
  items: JsonObject[],
  req: ApiRequest,
  qFields: string[],
  filterFields?: string[],
): JsonObject[] {
  let result = items
  const q = req.query.get('q')
  if (q) {
    const needle = q.toLowerCase()
    result = result.filter((item) =>
      qFields.some((f) => {
        const v = getPath(item, f)
        const values = Array.isArray(v) ? v : [v]
        return values.some((x) => typeof x === 'string' && x.toLowerCase().startsWith(needle))
      }),
    )
  }
  for (const param of ['filter', 'search']) {
    const expr = req.query.get(param)
    if (expr) {
      result = result.filter(parseFilter(expr, param === 'filter' ? filterFields : undefined))
    }
  }
  return result
}
