// An app's client secrets: `/api/v1/apps/{appId}/credentials/secrets` (spec: management-api.yaml
// /api/v1/apps/{appId}/credentials/secrets, OAuth2ClientSecret).
import { createHash } from 'node:crypto'
import { validationError } from '../errors.js'
import { oauthCredentials, type Org } from '../org.js'
import type { AppRecord, SecretRecord } from '../store.js'
import { asObject, newId, now, secret, type JsonObject } from '../util.js'
import { registerJwks } from './app-jwks.js'
import { SECRET_METHODS } from './app-validation.js'
import { bodyObject, lifecycleLinks, registerCollection, registerLifecycle } from './resource.js'
import type { Router } from './router.js'

/** A new secret record (a random one unless `value` is given). */
export function newSecret(value?: string): SecretRecord {
  const t = now()
  return { id: newId('ocs'), status: 'ACTIVE', client_secret: value ?? secret(30), created: t, lastUpdated: t }
}

/** The newest active secret of an app. */
export function activeSecret(app: AppRecord): string | undefined {
  const active = app.secrets.filter((s) => s.status === 'ACTIVE')
  return active[active.length - 1]?.client_secret
}

/**
 * `secret_hash`: "OAuth 2.0 client secret string hash" (spec OAuth2ClientSecret), 22 base64url characters in Okta's
 * examples. Okta does not document the function; the sandbox uses the first 16 bytes of SHA-256, base64url. A client
 * can compare it with the hash of a secret it holds only against the sandbox: against Okta, compare hashes the API
 * returned (one secret's hash before and after), never a locally computed one.
 */
export function secretHash(value: string): string {
  return createHash('sha256').update(value).digest().subarray(0, 16).toString('base64url')
}

/** A secret as Okta shows it outside the create response when it elides secrets: a prefix, `......`, a suffix. */
export function elide(value: string): string {
  return value.length <= 16 ? '......' : `${value.slice(0, 12)}......${value.slice(-4)}`
}

function renderSecret(org: Org, app: AppRecord, s: SecretRecord, reveal = !org.mode.maskClientSecrets): JsonObject {
  const href = `${org.orgUrl}/api/v1/apps/${app.id}/credentials/secrets/${s.id}`
  return {
    id: s.id,
    status: s.status,
    // "The client secret string is returned in the response of a Secret creation request. In other responses (such as
    // list, activate, or deactivate requests), the client secret is returned as an undisclosed hashed value."
    // (spec APIServiceIntegrationInstanceSecret.client_secret; --mask-client-secrets turns it on).
    client_secret: reveal ? s.client_secret : elide(s.client_secret),
    secret_hash: secretHash(s.client_secret),
    created: s.created,
    lastUpdated: s.lastUpdated,
    _links: lifecycleLinks(href, s.status),
  }
}

/** Registers `/api/v1/apps/{appId}/credentials/secrets/**` and `/api/v1/apps/{appId}/credentials/jwks/**`. */
export function registerAppCredentials(router: Router, org: Org): void {
  registerJwks(router, org)
  const secrets = registerCollection<AppRecord, SecretRecord>(router, org, {
    path: '/api/v1/apps/:appId/credentials/secrets',
    param: 'secretId',
    type: 'OAuth2ClientSecret',
    parent: (req) => org.app(req.params.appId ?? ''),
    items: (app) => app.secrets,
    idOf: (s) => s.id,
    render: (app, s) => renderSecret(org, app, s),
    createdStatus: 201,
    create: (req, record) => {
      if (!SECRET_METHODS.has(String(oauthCredentials(record).token_endpoint_auth_method))) {
        throw validationError('client_secret', 'client_secret: This client does not use a client secret.')
      }
      // "You can create up to two secret objects. An error is returned if you attempt to create more than two secret
      // objects." (spec: createOAuth2ClientSecret)
      if (record.secrets.length >= 2) {
        throw validationError('client_secret', "client_secret: You've reached the maximum number of client secrets per client.")
      }
      const body = req.body === undefined ? {} : bodyObject(req, 'client_secret')
      const value = body.client_secret
      if (value !== undefined && (typeof value !== 'string' || value.length < 14 || value.length > 100)) {
        throw validationError('client_secret', "client_secret: 'client_secret' must be 14 to 100 characters.")
      }
      if (typeof value === 'string' && oauthCredentials(record).token_endpoint_auth_method === 'client_secret_jwt' && value.length < 32) {
        // "If token_endpoint_auth_method of the app is client_secret_jwt, then the minimum length of client_secret is 32."
        throw validationError('client_secret', "client_secret: 'client_secret' must be at least 32 characters for 'client_secret_jwt'.")
      }
      const s = newSecret(typeof value === 'string' ? value : undefined)
      if (asObject(body).status === 'INACTIVE') {
        s.status = 'INACTIVE'
      }
      record.secrets.push(s)
      return s
    },
    renderCreated: (app, s) => renderSecret(org, app, s, true),
    remove: (record, s) => {
      if (s.status === 'ACTIVE') {
        throw validationError('client_secret', 'client_secret: An active client secret cannot be deleted; deactivate it first.')
      }
      record.secrets = record.secrets.filter((x) => x !== s)
    },
  })
  registerLifecycle(router, org, '/api/v1/apps/:appId/credentials/secrets/:secretId', secrets, {
    holder: (s) => s as unknown as JsonObject,
    render: (app, s) => renderSecret(org, app, s),
    answer: 'item',
    guard: (record, s, status) => {
      if (status === 'INACTIVE' && record.secrets.filter((x) => x.status === 'ACTIVE' && x !== s).length === 0) {
        throw validationError('client_secret', 'client_secret: The only active client secret cannot be deactivated.')
      }
    },
  })
}
