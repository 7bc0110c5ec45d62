// An app's client secrets: `/api/v1/apps/{appId}/credentials/secrets` (spec: management-api.yaml
// /api/v1/apps/{appId}/credentials/secrets, OAuth2ClientSecret).
import { validationError } from '../errors.js'
import { oauthCredentials, type Org } from '../org.js'
import type { AppRecord, SecretRecord } from '../store.js'
import { asObject, newId, now, secret, type JsonObject } from '../util.js'
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

function secretHash(value: string): string {
  let h = 0
  for (const c of value) {
    h = (h * 31 + c.charCodeAt(0)) | 0
  }
  return Math.abs(h).toString(36)
}

function renderSecret(org: Org, app: AppRecord, s: SecretRecord): JsonObject {
  const href = `${org.orgUrl}/api/v1/apps/${app.id}/credentials/secrets/${s.id}`
  return {
    id: s.id,
    status: s.status,
    client_secret: s.client_secret,
    secret_hash: secretHash(s.client_secret),
    created: s.created,
    lastUpdated: s.lastUpdated,
    _links: lifecycleLinks(href, s.status),
  }
}

/** Registers `/api/v1/apps/{appId}/credentials/secrets/**`. */
export function registerAppCredentials(router: Router, org: Org): void {
  const secrets = registerCollection<AppRecord, SecretRecord>(router, org, {
    path: '/api/v1/apps/:appId/credentials/secrets',
    param: 'secretId',
    type: 'OAuth2ClientSecret',
    parent: (req) => org.app(req.params.appId ?? ''),
    items: (app) => app.secrets,
    idOf: (s) => s.id,
    render: (app, s) => renderSecret(org, app, s),
    create: (req, record) => {
      if (!SECRET_METHODS.has(String(oauthCredentials(record).token_endpoint_auth_method))) {
        throw validationError('client_secret', 'client_secret: This client does not use a client secret.')
      }
      if (record.secrets.length >= 2) {
        throw validationError('client_secret', "client_secret: You've reached the maximum number of client secrets per client.")
      }
      const body = req.body === undefined ? {} : bodyObject(req, 'client_secret')
      const value = body.client_secret
      if (value !== undefined && (typeof value !== 'string' || value.length < 14 || value.length > 100)) {
        throw validationError('client_secret', "client_secret: 'client_secret' must be 14 to 100 characters.")
      }
      const s = newSecret(typeof value === 'string' ? value : undefined)
      if (asObject(body).status === 'INACTIVE') {
        s.status = 'INACTIVE'
      }
      record.secrets.push(s)
      return s
    },
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
