// Okta's behaviour at `/v1/token` where it differs from oidc-provider's, applied before the request reaches the
// provider and to its answer: grant types the app lacks, unknown scopes, the refresh-token leeway, either of two active
// client secrets, DPoP for apps with `dpop_bound_access_tokens` (org server), JWT access tokens of custom servers, and
// the ID token issuer an app's `issuer_mode` names.
import { createPrivateKey, sign, type JsonWebKey } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { DpopError, type DpopVerifier } from '../dpop.js'
import { readBody, replay, sendJson } from '../http.js'
import { clientIdOf, oauthCredentials, oauthSettings, type Domain, type Org } from '../org.js'
import type { AppRecord } from '../store.js'
import { asStringArray } from '../util.js'
import type { OidcHost } from './host.js'
import { MESSAGES, ORG_SERVER } from './policy.js'

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' }

/** The client a token-endpoint request names (client_id, HTTP Basic, or a client assertion's issuer). */
export function clientIdOfRequest(req: IncomingMessage, form: URLSearchParams): string | undefined {
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
export function grantRefusal(org: Org, req: IncomingMessage, form: URLSearchParams, grantType: string): Record<string, string> | undefined {
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

/**
 * Okta keeps up to two secrets ACTIVE so a client can rotate without downtime (spec: createOAuth2ClientSecret); the
 * provider knows one, so a request authenticating with the other active secret is handed on with the newest one.
 */
function acceptEitherSecret(app: AppRecord, req: IncomingMessage, form: URLSearchParams, newest: string): boolean {
  const active = new Set(app.secrets.filter((s) => s.status === 'ACTIVE').map((s) => s.client_secret))
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')
  if (basic) {
    const decoded = Buffer.from(basic[1] ?? '', 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    let secret = decoded.slice(colon + 1)
    try {
      secret = decodeURIComponent(secret)
    } catch {
      // as sent
    }
    if (colon > 0 && secret !== newest && active.has(secret)) {
      const id = encodeURIComponent(clientIdOf(app))
      req.headers.authorization = `Basic ${Buffer.from(`${id}:${encodeURIComponent(newest)}`).toString('base64')}`
    }
    return false
  }
  const posted = form.get('client_secret')
  if (posted !== null && posted !== newest && active.has(posted)) {
    form.set('client_secret', newest)
    return true
  }
  return false
}

function reissue(jwt: string, changes: Record<string, unknown>, jwk: JsonWebKey & { kid: string }): string {
  const [h, p] = jwt.split('.') as [string, string]
  const payload = { ...(JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>), ...changes }
  const input = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), createPrivateKey({ key: jwk, format: 'jwk' })).toString('base64url')}`
}

/** Where the request is and which server answers it. */
export interface TokenContext {
  org: Org
  oidc: OidcHost
  dpop: DpopVerifier
  key: string
  domain: Domain
  /** The token endpoint's URL as the client called it (a DPoP proof's `htu`). */
  endpoint: string
}

/**
 * Applies Okta's token-endpoint rules; answers the request itself when Okta would refuse it (returns undefined), or
 * returns the request to hand to the provider, whose answer is rewritten on the way out.
 */
export async function prepareTokenRequest(ctx: TokenContext, req: IncomingMessage, res: ServerResponse): Promise<IncomingMessage | undefined> {
  const { org, oidc, key } = ctx
  let raw = await readBody(req, 64 * 1024)
  const form = new URLSearchParams(raw.toString('utf8'))
  let changed = false
  const grantType = form.get('grant_type') ?? ''
  const successor = grantType === 'refresh_token' ? oidc.refreshTokenWithinLeeway(key, form.get('refresh_token') ?? '') : undefined
  if (successor) {
    form.set('refresh_token', successor)
    changed = true
  }
  const refused = grantRefusal(org, req, form, grantType)
  if (refused) {
    sendJson(res, 400, refused, NO_STORE)
    return undefined
  }
  if (grantType === 'client_credentials' && oidc.unknownScopes(key, (form.get('scope') ?? '').split(' ').filter(Boolean)).length) {
    sendJson(res, 400, { error: 'invalid_scope', error_description: MESSAGES.scopes }, NO_STORE)
    return undefined
  }
  const app = org.appByClientId(clientIdOfRequest(req, form) ?? '')
  const newest = app ? app.secrets.filter((s) => s.status === 'ACTIVE').at(-1)?.client_secret : undefined
  if (app && newest && String(oauthCredentials(app).token_endpoint_auth_method).startsWith('client_secret')) {
    changed = acceptEitherSecret(app, req, form, newest) || changed
  }
  let jkt: string | undefined
  if (app && key === ORG_SERVER && oauthSettings(app).dpop_bound_access_tokens === true) {
    const proof = req.headers.dpop
    try {
      const nonce = ctx.dpop.nonce()
      const verified = ctx.dpop.verify(Array.isArray(proof) ? proof[0] : proof, { htm: req.method ?? '', htu: ctx.endpoint, nonce })
      if (verified.nonce !== nonce) {
        // RFC 9449 §8: the server supplies a nonce and the client retries with it.
        sendJson(res, 400, { error: 'use_dpop_nonce', error_description: 'Authorization server requires nonce in DPoP proof.' }, { ...NO_STORE, 'DPoP-Nonce': nonce })
        return undefined
      }
      jkt = verified.jkt
    } catch (error) {
      if (error instanceof DpopError) {
        sendJson(res, 400, { error: 'invalid_dpop_proof', error_description: error.message }, NO_STORE)
        return undefined
      }
      throw error
    }
  }
  rewriteAnswer(ctx, res, app, jkt)
  if (changed) {
    raw = Buffer.from(form.toString())
    req.headers['content-length'] = String(raw.length)
  }
  return replay(req, raw)
}

/** Rewrites the provider's successful token response the way Okta's differs. */
function rewriteAnswer(ctx: TokenContext, res: ServerResponse, app: AppRecord | undefined, jkt: string | undefined): void {
  const { org, oidc, key, domain } = ctx
  const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse
  res.end = ((chunk?: unknown) => {
    if (res.statusCode !== 200 || chunk === undefined || typeof chunk === 'function') {
      return end(chunk)
    }
    let body: Record<string, unknown>
    try {
      body = JSON.parse(String(chunk)) as Record<string, unknown>
    } catch {
      return end(chunk)
    }
    const opaque = typeof body.access_token === 'string' ? body.access_token : undefined
    if (opaque && jkt && oidc.bindAccessToken(opaque, jkt)) {
      body.token_type = 'DPoP'
    }
    if (opaque && key !== ORG_SERVER) {
      // Okta's custom servers issue JWT access tokens: swap the opaque one for its JWT form.
      body.access_token = oidc.jwtAccessToken(key, opaque, oidc.issuer(key, domain)) ?? opaque
    }
    const jwk = org.state.keys[key]
    if (key === ORG_SERVER && app && org.customUrl && typeof body.id_token === 'string' && jwk) {
      // The org server's ID tokens carry the issuer the app's issuer_mode names (spec OpenIdConnectApplicationIssuerMode).
      const mode = oauthSettings(app).issuer_mode
      const iss = org.issuer(undefined, mode === 'CUSTOM_URL' ? 'custom' : mode === 'DYNAMIC' ? domain : 'org')
      body.id_token = reissue(body.id_token, { iss }, jwk)
    }
    const text = JSON.stringify(body)
    res.setHeader('Content-Length', Buffer.byteLength(text))
    return end(text)
  }) as typeof res.end
}
