// The Management API's front door: authentication (SSWS API token, or an org-server access token of a service app
// with the call's scope and an admin role), routing with Okta's 404/405, and JSON body parsing with Okta's errors.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { OktaError, invalidToken, malformedBody, notFound } from '../errors.js'
import { DPOP_ALGS, DpopError, resourceHtu, type DpopVerifier } from '../dpop.js'
import { BodyTooLarge, MAX_BODY, readBody, sendJson } from '../http.js'
import type { OidcHost } from '../oidc/host.js'
import type { Org } from '../org.js'
import type { ApiResponse, Router } from './router.js'
import { forbidden, requiredScope, scopeSatisfied } from './service-apps.js'

/** A handler for `/api/v1/**` (and the client-roles paths under `/oauth2/v1/clients`). */
export type ManagementApi = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>

/** The Management API over the org's routes. */
export function createManagementApi(org: Org, oidc: OidcHost, router: Router, dpop: DpopVerifier): ManagementApi {
  /** Okta's refusal of a DPoP-bound token without a valid proof (400 invalid_dpop_proof, WWW-Authenticate: DPoP). */
  const dpopRefusal = (status: number, error: string, description: string, scope: string, path: string): OktaError =>
    new OktaError(status, error, description, [], {
      'WWW-Authenticate': `DPoP algs="${DPOP_ALGS.join(' ')}", authorization_uri="${org.orgUrl}/oauth2/v1/authorize", realm="${org.orgUrl}", scope="${scope}", error="${error}", error_description="${description}", resource="${path}"`,
    })

  return async function management(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase()
    const auth = req.headers.authorization ?? ''
    const bearer = /^(Bearer|DPoP) (.+)$/i.exec(auth)
    if (bearer) {
      // OAuth 2.0 for Okta: an org-server token of an active service app with the scope and an admin role.
      const value = (bearer[2] ?? '').trim()
      const token = oidc.orgAccessToken(value)
      const app = token ? org.appByClientId(token.clientId) : undefined
      if (!token || !app || app.app.status !== 'ACTIVE') {
        throw invalidToken()
      }
      const needed = requiredScope(method, url.pathname)
      if (token.jkt) {
        if (bearer[1] !== 'DPoP') {
          throw dpopRefusal(401, 'invalid_token', 'The access token is DPoP-bound: send it as Authorization: DPoP with a DPoP proof.', needed, url.pathname)
        }
        const proof = req.headers.dpop
        try {
          // htm is compared with the method as it came over the wire (RFC 9449 §4.3), not upper-cased.
          dpop.verify(Array.isArray(proof) ? proof[0] : proof, { htm: req.method ?? '', htu: resourceHtu(org.orgUrl, url.pathname), accessToken: value, jkt: token.jkt })
        } catch (error) {
          if (error instanceof DpopError) {
            throw dpopRefusal(400, 'invalid_dpop_proof', error.message, needed, url.pathname)
          }
          throw error
        }
      }
      if (!scopeSatisfied(token.scopes, needed)) {
        throw forbidden(`The access token does not have the ${needed} scope.`)
      }
      if (!app.roles?.length) {
        throw forbidden('The client has no admin role; assign one with POST /oauth2/v1/clients/{clientId}/roles.')
      }
    } else if (!auth.startsWith('SSWS ') || auth.slice(5).trim() !== org.state.apiToken) {
      throw invalidToken()
    }
    if (!org.mode.apiAccessManagement && url.pathname.startsWith('/api/v1/authorizationServers')) {
      // Orgs without API Access Management (spec: Error-FF-NotEnabled-Response-401 on /api/v1/authorizationServers*).
      throw new OktaError(401, 'E0000015', 'You do not have permission to access the feature you are requesting', [])
    }
    const match = router.match(method, url.pathname)
    if (match.kind === 'none') {
      throw notFound(url.pathname, 'Resource')
    }
    if (match.kind === 'method') {
      const error = new OktaError(405, 'E0000022', 'The endpoint does not support the provided HTTP method', [
        { errorSummary: `${method} is not supported on ${url.pathname}` },
      ], { Allow: match.allowed.join(', ') })
      throw error
    }
    let body: unknown
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
      let raw: Buffer
      try {
        raw = await readBody(req, MAX_BODY)
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          throw new OktaError(413, 'E0000003', 'The request body was not well-formed.', [
            { errorSummary: 'The request body is larger than 1 MB.' },
          ])
        }
        throw error
      }
      if (raw.length > 0) {
        const type = String(req.headers['content-type'] ?? '')
        if (!/^application\/(.+\+)?json\b/i.test(type)) {
          throw new OktaError(415, 'E0000003', 'The request body was not well-formed.', [
            { errorSummary: `Unsupported Content-Type "${type || '(none)'}"; send application/json.` },
          ])
        }
        try {
          body = JSON.parse(raw.toString('utf8'))
        } catch (error) {
          throw malformedBody(error instanceof Error ? error.message : undefined)
        }
      }
    }
    const answer: ApiResponse = await match.handler({
      method,
      path: url.pathname,
      query: url.searchParams,
      body,
      params: match.params,
      orgUrl: org.orgUrl,
    })
    sendJson(res, answer.status, answer.body, answer.headers)
  }
}
