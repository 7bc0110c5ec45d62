// Everything outside `/api/v1`: discovery and the OpenID endpoints of the org server and each custom server (handed to
// their oidc-provider instances after Okta's own checks), on the org URL and, when the org has one, on its custom
// domain; the sign-in pages; the client-roles API; and the sandbox-only test sign-in.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { DpopVerifier } from '../dpop.js'
import { notFound } from '../errors.js'
import { readBody, replay, sendJson } from '../http.js'
import type { ManagementApi } from '../management/api.js'
import { corsAllowed } from '../management/trusted-origins.js'
import type { Domain, Org } from '../org.js'
import { ensureSigningKey } from '../store.js'
import { checkAuthorize } from './authorize.js'
import type { OidcHost } from './host.js'
import { ORG_SERVER } from './policy.js'
import { serveTestLogin } from './test-login.js'
import { grantRefusal, prepareTokenRequest } from './token-endpoint.js'

/** A handler for the OpenID side and the sandbox's pages. */
export type OidcGateway = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>

const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code'

/** The OpenID side in front of the org's providers. */
export function createOidcGateway(org: Org, oidc: OidcHost, management: ManagementApi, dpop: DpopVerifier): OidcGateway {
  /** The domain a request came in on: the custom domain when its Host is the custom domain's. */
  const domainOf = (req: IncomingMessage): Domain => (org.customUrl && req.headers.host === new URL(org.customUrl).host ? 'custom' : 'org')

  /** Swaps a custom server's JWT access token in a form field or header for the opaque one the provider knows. */
  const opaque = (key: string, value: string): string | undefined => (key === ORG_SERVER ? undefined : oidc.opaqueAccessToken(key, value))

  async function toProvider(key: string, req: IncomingMessage, res: ServerResponse, mount: string, innerPath: string, search: string): Promise<void> {
    if (key === ORG_SERVER || org.findServer(key)) {
      await ensureSigningKey(org.state, key)
    }
    const domain = domainOf(req)
    const provider = oidc.provider(key, domain)
    if (!provider) {
      throw notFound(key, 'AuthorizationServer')
    }
    let query = search
    let target: IncomingMessage = req
    const post = req.method === 'POST'
    if (innerPath.endsWith('/v1/authorize') && req.method === 'GET') {
      const decision = checkAuthorize(org, oidc, key, oidc.issuer(key, domain), search)
      if (decision.kind === 'redirect') {
        res.statusCode = 303
        res.setHeader('Location', decision.location)
        res.end()
        return
      }
      query = decision.query
    }
    if (innerPath.endsWith('/v1/userinfo')) {
      const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')
      const swapped = bearer ? opaque(key, (bearer[1] ?? '').trim()) : undefined
      if (swapped) {
        req.headers.authorization = `Bearer ${swapped}`
      }
    }
    if (post && innerPath.endsWith('/v1/device/authorize')) {
      const raw = await readBody(req, 64 * 1024)
      const refused = grantRefusal(org, req, new URLSearchParams(raw.toString('utf8')), DEVICE)
      if (refused) {
        sendJson(res, 400, refused, { 'Cache-Control': 'no-store' })
        return
      }
      target = replay(req, raw)
    }
    if (post && (innerPath.endsWith('/v1/introspect') || innerPath.endsWith('/v1/revoke'))) {
      let raw = await readBody(req, 64 * 1024)
      const form = new URLSearchParams(raw.toString('utf8'))
      const swapped = opaque(key, form.get('token') ?? '')
      if (swapped) {
        form.set('token', swapped)
        raw = Buffer.from(form.toString())
        req.headers['content-length'] = String(raw.length)
      }
      target = replay(req, raw)
    }
    if (post && innerPath.endsWith('/v1/token')) {
      const endpoint = `${domain === 'custom' && org.customUrl ? org.customUrl : org.orgUrl}${mount}${innerPath}`
      const prepared = await prepareTokenRequest({ org, oidc, dpop, key, domain, endpoint }, req, res)
      if (!prepared) {
        return
      }
      target = prepared
    }
    // oidc-provider derives its mount path (/oauth2/{id}) from originalUrl minus url.
    ;(target as IncomingMessage & { originalUrl?: string }).originalUrl = `${mount}${innerPath}${query}`
    target.url = `${innerPath}${query}`
    provider.callback()(target, res)
  }

  return async function oidcOrPage(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname
    const origin = req.headers.origin
    if (typeof origin === 'string' && (path.startsWith('/oauth2/') || path.startsWith('/.well-known/'))) {
      // Okta answers browser (CORS) requests only from ACTIVE trusted origins with the CORS scope
      // (https://developer.okta.com/docs/guides/enable-cors/main/); oidc-provider's clientBasedCORS then says yes.
      if (!corsAllowed(org, origin)) {
        res.setHeader('Vary', 'Origin')
        if (req.method === 'OPTIONS') {
          res.statusCode = 403
          res.end()
          return
        }
        // No Access-Control-Allow-Origin: the browser withholds the answer.
        const setHeader = res.setHeader.bind(res)
        res.setHeader = ((name: string, value: number | string | readonly string[]) =>
          name.toLowerCase().startsWith('access-control-') ? res : setHeader(name, value)) as typeof res.setHeader
      }
    }
    if (path === '/sandbox/v1/test-login') {
      await serveTestLogin(org, req, res)
      return
    }
    const signin = /^\/signin\/([^/]+)\/([^/]+)$/.exec(path)
    if (signin) {
      let form: URLSearchParams | undefined
      if (req.method === 'POST') {
        const raw = await readBody(req, 64 * 1024)
        form = new URLSearchParams(raw.toString('utf8'))
      }
      await oidc.interaction(signin[1] ?? '', domainOf(req), req, res, form)
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
      // `default` is an alias of the default server's real id.
      await toProvider(org.findServer(key)?.id ?? key, req, res, `/oauth2/${custom[1] ?? ''}`, inner, url.search)
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
