// Trusted origins: `/api/v1/trustedOrigins/**` (spec: management-api.yaml TrustedOrigin). The OpenID side reads the
// ACTIVE ones with the CORS scope to decide which browser origins may call the token and other CORS endpoints.
import { validationErrors } from '../errors.js'
import type { Org } from '../org.js'
import type { TrustedOriginRecord } from '../store.js'
import { asObject, clone, newId, now, type JsonObject } from '../util.js'
import { bodyObject, lifecycleLinks, registerCollection, registerLifecycle } from './resource.js'
import { paginate, search, type Router } from './router.js'

function renderOrigin(org: Org, o: TrustedOriginRecord): JsonObject {
  const href = `${org.orgUrl}/api/v1/trustedOrigins/${o.id}`
  return {
    id: o.id,
    ...clone(o.origin),
    _links: {
      self: { href, hints: { allow: ['GET', 'PUT', 'DELETE'] } },
      ...lifecycleLinks(href, o.origin.status),
    },
  }
}

function validateOrigin(org: Org, b: JsonObject, existing?: TrustedOriginRecord): JsonObject {
  const causes: Array<{ field: string; message: string }> = []
  if (typeof b.name !== 'string' || !b.name.trim()) {
    causes.push({ field: 'name', message: 'The field cannot be left blank' })
  }
  let origin: string | undefined
  if (typeof b.origin !== 'string') {
    causes.push({ field: 'origin', message: 'The field cannot be left blank' })
  } else {
    try {
      const url = new URL(b.origin)
      if (url.origin !== b.origin.replace(/\/$/, '') || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
        throw new Error('not an origin')
      }
      origin = url.origin
    } catch {
      causes.push({ field: 'origin', message: `'${b.origin}' is not a valid origin (scheme://host[:port]).` })
    }
  }
  if (origin && org.state.trustedOrigins.some((o) => o !== existing && o.origin.origin === origin)) {
    causes.push({ field: 'origin', message: 'An object with this field already exists in the current organization' })
  }
  const scopes = Array.isArray(b.scopes) ? b.scopes : []
  if (scopes.length === 0) {
    causes.push({ field: 'scopes', message: "'scopes' is required." })
  }
  for (const s of scopes) {
    if (!['CORS', 'REDIRECT', 'IFRAME_EMBED'].includes(String(asObject(s).type))) {
      causes.push({ field: 'scopes', message: `'${String(asObject(s).type)}' is not a valid scope type; use CORS, REDIRECT or IFRAME_EMBED.` })
    }
  }
  if (causes.length) {
    throw validationErrors(causes)
  }
  const t = now()
  return {
    name: b.name,
    origin,
    scopes: scopes.map((s) => {
      const o = asObject(s)
      return { type: o.type, ...(o.allowedOktaApps !== undefined ? { allowedOktaApps: o.allowedOktaApps } : {}) }
    }),
    status: existing?.origin.status ?? 'ACTIVE',
    created: existing?.origin.created ?? t,
    createdBy: existing?.origin.createdBy ?? org.state.users[0]?.id ?? null,
    lastUpdated: t,
    lastUpdatedBy: org.state.users[0]?.id ?? null,
  }
}

/** Whether an origin is an ACTIVE trusted origin with the CORS scope (Okta's CORS check for browser clients). */
export function corsAllowed(org: Org, origin: string): boolean {
  return org.state.trustedOrigins.some(
    (o) => o.origin.status === 'ACTIVE' && o.origin.origin === origin && (Array.isArray(o.origin.scopes) ? o.origin.scopes : []).some((s) => asObject(s).type === 'CORS'),
  )
}

/** Registers `/api/v1/trustedOrigins/**`. */
export function registerTrustedOrigins(router: Router, org: Org): void {
  const find = registerCollection<undefined, TrustedOriginRecord>(router, org, {
    path: '/api/v1/trustedOrigins',
    param: 'originId',
    type: 'TrustedOrigin',
    parent: () => undefined,
    items: () => org.state.trustedOrigins,
    idOf: (o) => o.id,
    render: (_p, o) => renderOrigin(org, o),
    list: (req) =>
      paginate(search(org.state.trustedOrigins.map((o) => renderOrigin(org, o)), req, ['name', 'origin'], ['name', 'origin', 'status', 'type', 'id']), req, {
        defaultLimit: 20,
        maxLimit: 200,
      }),
    createdStatus: 200,
    create: (req) => {
      const o: TrustedOriginRecord = { id: newId('tos'), origin: validateOrigin(org, bodyObject(req, 'trustedOrigin')) }
      org.state.trustedOrigins.push(o)
      return o
    },
    replace: (req, _p, o) => {
      o.origin = validateOrigin(org, bodyObject(req, 'trustedOrigin'), o)
      return o
    },
    remove: (_p, o) => {
      org.state.trustedOrigins = org.state.trustedOrigins.filter((x) => x !== o)
    },
  })
  registerLifecycle(router, org, '/api/v1/trustedOrigins/:originId', find, {
    holder: (o) => o.origin,
    render: (_p, o) => renderOrigin(org, o),
    answer: 'item',
  })
}
