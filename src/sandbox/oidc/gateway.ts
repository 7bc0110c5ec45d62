// Everything outside `/api/v1`: discovery and the OpenID endpoints of the org server and each custom server (handed to
// their oidc-provider instances after Okta's own checks), the sign-in pages, and the client-roles API.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { notFound } from '../errors.js'
import { readBody, replay, sendJson } from '../http.js'
import type { ManagementApi } from '../management/api.js'
import { oauthSettings, type Org } from '../org.js'
import { ensureSigningKey } from '../store.js'
import { asStringArray } from '../util.js'
import type { OidcHost } from './host.js'
import { MESSAGES as OKTA_MESSAGES, ORG_SERVER } from './policy.js'

/** A handler for the OpenID side and the sandbox's pages. */
export type OidcGateway = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>

/** The OpenID side in front of the org's providers. */
export function createOidcGateway(org: Org, oidc: OidcHost, management: ManagementApi): OidcGateway {
  const state = org.state
  /** Okta refuses unknown scopes (invalid_scope) where oidc-provider drops them, so they are checked on the way in. */
  function scopeError(key: string, scope: string | null): string | undefined {
    const unknown = oidc.unknownScopes(key, (scope ?? '').split(' ').filter(Boolean))
    return unknown.length ? OKTA_MESSAGES.scopes : undefined
  }

  /** The client a token-endpoint request names (client_id, HTTP Basic, or a client assertion's issuer). */
  function clientIdOfRequest(req: IncomingMessage, form: URLSearchParams): string | undefined {
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')
    if (basic) {
      const user = Buffer.from(basic[1] ?? '', 'base64').toString('utf8').split(':')[0] ?? ''
      try {
        return decodeURIComponent(user)
      } catch {
        return user
      }
    }
    if (form.get('client_id')) {
      return form.get('client_id') ?? undefined
    }
    const assertion = form.get('client_assertion')?.split('.')[1]
    if (assertion) {
      try {
        const iss = (JSON.parse(Buffer.from(assertion, 'base64url').toString('utf8')) as { iss?: unknown }).iss
        return typeof iss === 'string' ? iss : undefined
      } catch {
        return undefined
      }
    }
    return undefined
  }

  /** Okta's answer when a client uses a grant type it is not configured for, or undefined when it may. */
  function grantRefusal(req: IncomingMessage, form: URLSearchParams, grantType: string): Record<string, string> | undefined {
    const app = org.appByClientId(clientIdOfRequest(req, form) ?? '')
    if (!app || !grantType) {
      return undefined
    }
    const grants = asStringArray(oauthSettings(app).grant_types) ?? []
    if (grants.includes(grantType)) {
      return undefined
    }
    return {
      error: 'unauthorized_client',
      error_description: `The client is not authorized to use the provided grant type. Configured grant types: [${grants.join(', ')}].`,
    }
  }

  async function toProvider(key: string, req: IncomingMessage, res: ServerResponse, mount: string, innerPath: string, search: string): Promise<void> {
    if (key === ORG_SERVER || org.state.servers.some((s) => s.id === key)) {
      await ensureSigningKey(state, key)
    }
    const provider = oidc.provider(key)
    if (!provider) {
      throw notFound(key, 'AuthorizationServer')
    }
    let query = search
    let target: IncomingMessage = req
    if (innerPath.endsWith('/v1/authorize') && req.method === 'GET') {
      const params = new URLSearchParams(search)
      const description = scopeError(key, params.get('scope'))
      const app = org.appByClientId(params.get('client_id') ?? '')
      const redirect = params.get('redirect_uri') ?? ''
      if (description && app && app.app.status === 'ACTIVE' && (asStringArray(oauthSettings(app).redirect_uris) ?? []).includes(redirect)) {
        const to = new URL(redirect)
        to.searchParams.set('error', 'invalid_scope')
        to.searchParams.set('error_description', description)
        if (params.has('state')) {
          to.searchParams.set('state', params.get('state') ?? '')
        }
        to.searchParams.set('iss', org.issuer(key === ORG_SERVER ? undefined : key))
        res.statusCode = 303
        res.setHeader('Location', to.href)
        res.end()
        return
      }
      // oidc-provider drops offline_access unless prompt=consent (OpenID Connect Core §11); Okta issues refresh tokens
      // without it. Asking for consent keeps the scope; the sandbox grants it silently (consent_method TRUSTED).
      if ((params.get('scope') ?? '').split(' ').includes('offline_access') && !params.has('prompt')) {
        params.set('prompt', 'consent')
        query = `?${params.toString()}`
      }
    }
    const custom = key !== ORG_SERVER
    if (custom && innerPath.endsWith('/v1/userinfo')) {
      const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')
      const opaque = bearer ? oidc.opaqueAccessToken(key, (bearer[1] ?? '').trim()) : undefined
      if (opaque) {
        req.headers.authorization = `Bearer ${opaque}`
      }
    }
    if (req.method === 'POST' && innerPath.endsWith('/v1/device/authorize')) {
      const raw = await readBody(req, 64 * 1024)
      const refused = grantRefusal(req, new URLSearchParams(raw.toString('utf8')), 'urn:ietf:params:oauth:grant-type:device_code')
      if (refused) {
        sendJson(res, 400, refused, { 'Cache-Control': 'no-store' })
        return
      }
      target = replay(req, raw)
    }
    if (custom && req.method === 'POST' && (innerPath.endsWith('/v1/introspect') || innerPath.endsWith('/v1/revoke'))) {
      let raw = await readBody(req, 64 * 1024)
      const form = new URLSearchParams(raw.toString('utf8'))
      const opaque = oidc.opaqueAccessToken(key, form.get('token') ?? '')
      if (opaque) {
        form.set('token', opaque)
        raw = Buffer.from(form.toString())
        req.headers['content-length'] = String(raw.length)
      }
      target = replay(req, raw)
    }
    if (innerPath.endsWith('/v1/token') && req.method === 'POST') {
      if (custom) {
        // Okta's custom servers issue JWT access tokens: swap the opaque one in the response for its JWT form.
        const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse
        res.end = ((chunk?: unknown) => {
          if (res.statusCode === 200 && chunk !== undefined && typeof chunk !== 'function') {
            try {
              const body = JSON.parse(String(chunk)) as Record<string, unknown>
              const jwt = typeof body.access_token === 'string' ? oidc.jwtAccessToken(key, body.access_token) : undefined
              if (jwt) {
                body.access_token = jwt
                const text = JSON.stringify(body)
                res.setHeader('Content-Length', Buffer.byteLength(text))
                return end(text)
              }
            } catch {
              // not JSON: pass through
            }
          }
          return end(chunk)
        }) as typeof res.end
      }
      let raw = await readBody(req, 64 * 1024)
      const form = new URLSearchParams(raw.toString('utf8'))
      const successor = form.get('grant_type') === 'refresh_token' ? oidc.refreshTokenWithinLeeway(key, form.get('refresh_token') ?? '') : undefined
      if (successor) {
        form.set('refresh_token', successor)
        raw = Buffer.from(form.toString())
        req.headers['content-length'] = String(raw.length)
      }
      const refused = grantRefusal(req, form, form.get('grant_type') ?? '')
      if (refused) {
        sendJson(res, 400, refused, { 'Cache-Control': 'no-store' })
        return
      }
      const description = form.get('grant_type') === 'client_credentials' ? scopeError(key, form.get('scope')) : undefined
      if (description) {
        sendJson(res, 400, { error: 'invalid_scope', error_description: description }, { 'Cache-Control': 'no-store' })
        return
      }
      target = replay(req, raw)
    }
    // oidc-provider derives its mount path (/oauth2/{id}) from originalUrl minus url.
    ;(target as IncomingMessage & { originalUrl?: string }).originalUrl = `${mount}${innerPath}${query}`
    target.url = `${innerPath}${query}`
    provider.callback()(target, res)
  }

  return async function oidcOrPage(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname
    const signin = /^\/signin\/([^/]+)\/([^/]+)$/.exec(path)
    if (signin) {
      let form: URLSearchParams | undefined
      if (req.method === 'POST') {
        const raw = await readBody(req, 64 * 1024)
        form = new URLSearchParams(raw.toString('utf8'))
      }
      await oidc.interaction(signin[1] ?? '', req, res, form)
      return
    }
    if (path === '/.well-known/openid-configuration' || path === '/.well-known/oauth-authorization-server') {
      await toProvider(ORG_SERVER, req, res, '', '/.well-known/openid-configuration', url.search)
      return
    }
    if (/^\/oauth2\/v1\/clients\/[^/]+\/roles(\/|$)/.test(path)) {
      await management(req, res, url)
      return
    }
    if (path.startsWith('/oauth2/v1/') || path === '/activate') {
      await toProvider(ORG_SERVER, req, res, '', path, url.search)
      return
    }
    const custom = /^\/oauth2\/([^/]+)(\/.*)?$/.exec(path)
    if (custom) {
      let key = custom[1] ?? ''
      try {
        key = decodeURIComponent(key)
      } catch {
        // keep it as sent; it will not name a server
      }
      let inner = custom[2] ?? '/'
      if (inner === '/.well-known/oauth-authorization-server') {
        inner = '/.well-known/openid-configuration'
      }
      await toProvider(key, req, res, `/oauth2/${custom[1] ?? ''}`, inner, url.search)
      return
    }
    if (path === '/' || path === '') {
      res.setHeader('Content-Type', 'text/html; charset=utf-8')
      res.end(
        '<!DOCTYPE html><title>oidc-setup sandbox</title><h1>oidc-setup sandbox</h1><p>A local Okta-compatible org. Management API under <code>/api/v1</code>, OpenID discovery at <code>/.well-known/openid-configuration</code> and <code>/oauth2/default/.well-known/openid-configuration</code>.</p>',
      )
      return
    }
    throw notFound(path, 'Resource')
  }
}
