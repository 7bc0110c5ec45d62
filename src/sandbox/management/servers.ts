// `/api/v1/authorizationServers`: custom authorization servers with their scopes and claims (policies and rules are
// in server-policies.ts).
import { OktaError } from '../errors.js'
import type { Org } from '../org.js'
import { ensureSigningKey, nextRotation, systemScopes, type ServerRecord } from '../store.js'
import { clone, newId, now, secret, type JsonObject } from '../util.js'
import { noContent, ok, paginate, search, type ApiRequest, type Router } from './router.js'
import { bodyObject, lifecycleLinks, registerCollection, registerLifecycle } from './resource.js'
import { registerServerPolicies } from './server-policies.js'
import { validateClaim, validateScope, validateServer } from './server-validation.js'

const BASE = '/api/v1/authorizationServers'

/** Renders a server as Okta does (with `issuer` and `_links`). */
export function renderServer(org: Org, s: ServerRecord): JsonObject {
  const base = `${org.orgUrl}${BASE}/${s.id}`
  const out = clone(s.server)
  return {
    id: s.id,
    ...out,
    // Okta sends `default: true` on the default server only (spec AuthorizationServer).
    ...(s.server.default === true ? { default: true } : {}),
    issuer: org.issuer(s.id, s.server.issuerMode === 'CUSTOM_URL' ? 'custom' : 'org'),
    _links: {
      scopes: { href: `${base}/scopes`, hints: { allow: ['GET'] } },
      claims: { href: `${base}/claims`, hints: { allow: ['GET'] } },
      policies: { href: `${base}/policies`, hints: { allow: ['GET'] } },
      self: { href: base, hints: { allow: ['GET', 'DELETE', 'PUT'] } },
      metadata: [
        { name: 'oauth-authorization-server', href: `${org.issuer(s.id)}/.well-known/oauth-authorization-server`, hints: { allow: ['GET'] } },
        { name: 'openid-configuration', href: `${org.issuer(s.id)}/.well-known/openid-configuration`, hints: { allow: ['GET'] } },
      ],
      rotateKey: { href: `${base}/credentials/lifecycle/keyRotate`, hints: { allow: ['POST'] } },
      ...lifecycleLinks(base, s.server.status),
    },
  }
}

/** A scope or claim with its `_links.self`. */
function renderChild(org: Org, s: ServerRecord, kind: string, item: JsonObject): JsonObject {
  const href = `${org.orgUrl}${BASE}/${s.id}/${kind}/${String(item.id)}`
  return { ...clone(item), _links: { self: { href, hints: { allow: ['GET', 'PUT', 'DELETE'] } } } }
}

/** Registers `/api/v1/authorizationServers/**`. */
export function registerServers(router: Router, org: Org): void {
  const server = (req: ApiRequest): ServerRecord => org.server(req.params.authServerId ?? '')

  router.add('GET', BASE, (req) =>
    paginate(search(org.state.servers.map((s) => renderServer(org, s)), req, ['name', 'audiences']), req, { defaultLimit: 200, maxLimit: 200 }),
  )
  router.add('POST', BASE, (req) => {
    const v = validateServer(bodyObject(req, 'authorizationServer'))
    const kid = secret(24)
    const t = now()
    const id = newId('aus')
    const record: ServerRecord = {
      id,
      server: {
        name: v.name,
        description: v.description ?? null,
        audiences: v.audiences,
        issuerMode: v.issuerMode,
        status: 'ACTIVE',
        created: t,
        lastUpdated: t,
        credentials: { signing: { rotationMode: 'AUTO', lastRotated: t, nextRotation: nextRotation(), kid, use: 'sig' } },
      },
      scopes: systemScopes(),
      claims: [],
      policies: [],
    }
    org.state.servers.push(record)
    void ensureSigningKey(org.state, id, kid).then(() => org.changed(), () => undefined)
    org.changed()
    return ok(renderServer(org, record), 201)
  })
  router.add('GET', `${BASE}/:authServerId`, (req) => ok(renderServer(org, server(req))))
  router.add('PUT', `${BASE}/:authServerId`, (req) => {
    const record = server(req)
    const v = validateServer(bodyObject(req, 'authorizationServer'))
    Object.assign(record.server, {
      name: v.name,
      description: v.description ?? record.server.description ?? null,
      audiences: v.audiences,
      issuerMode: v.issuerMode,
      lastUpdated: now(),
    })
    org.changed()
    return ok(renderServer(org, record))
  })
  router.add('DELETE', `${BASE}/:authServerId`, (req) => {
    const record = server(req)
    if (record.server.status === 'ACTIVE') {
      throw new OktaError(400, 'E0000001', 'Api validation failed: authorizationServer', [
        { errorSummary: 'authorizationServer: An active authorization server cannot be deleted; deactivate it first.' },
      ])
    }
    org.state.servers = org.state.servers.filter((s) => s !== record)
    delete org.state.keys[record.id]
    org.changed()
    return noContent()
  })
  registerLifecycle(router, org, `${BASE}/:authServerId`, (req) => [undefined, server(req)], { holder: (s) => s.server })

  registerCollection<ServerRecord, JsonObject>(router, org, {
    path: `${BASE}/:authServerId/scopes`,
    param: 'scopeId',
    type: 'OAuth2Scope',
    parent: server,
    items: (s) => s.scopes,
    idOf: (x) => String(x.id),
    render: (s, x) => renderChild(org, s, 'scopes', x),
    list: (req, s) => paginate(search(s.scopes.map((x) => renderChild(org, s, 'scopes', x)), req, ['name']), req, { defaultLimit: -1, maxLimit: 200 }),
    create: (req, s) => {
      const created = validateScope(bodyObject(req, 'scope'), s)
      s.scopes.push(created)
      return created
    },
    replace: (req, s, found) => {
      const updated = validateScope(bodyObject(req, 'scope'), s, found)
      s.scopes[s.scopes.indexOf(found)] = updated
      return updated
    },
    remove: (s, found) => {
      if (found.system === true) {
        throw new OktaError(403, 'E0000006', 'You do not have permission to perform the requested action', [
          { errorSummary: 'System scopes cannot be deleted.' },
        ])
      }
      s.scopes = s.scopes.filter((x) => x !== found)
    },
  })

  registerCollection<ServerRecord, JsonObject>(router, org, {
    path: `${BASE}/:authServerId/claims`,
    param: 'claimId',
    type: 'OAuth2Claim',
    parent: server,
    items: (s) => s.claims,
    idOf: (x) => String(x.id),
    render: (s, x) => renderChild(org, s, 'claims', x),
    create: (req, s) => {
      const created = validateClaim(bodyObject(req, 'claim'), s)
      s.claims.push(created)
      return created
    },
    replace: (req, s, found) => {
      const updated = validateClaim(bodyObject(req, 'claim'), s, found)
      s.claims[s.claims.indexOf(found)] = updated
      return updated
    },
    remove: (s, found) => {
      s.claims = s.claims.filter((x) => x !== found)
    },
  })

  registerServerPolicies(router, org, server)
}
