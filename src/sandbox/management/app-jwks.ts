// An app's public keys for `private_key_jwt`: `/api/v1/apps/{appId}/credentials/jwks` (spec: management-api.yaml
// addJwk, getJwk, deletejwk, activate/deactivateOAuth2ClientJsonWebKey; OAuth2ClientJsonSigningKeyResponse). The keys
// live in the app's `settings.oauthClient.jwks.keys`, each with `id`, `status`, `created`, `lastUpdated`; only ACTIVE
// ones verify client assertions.
import { createPublicKey } from 'node:crypto'
import { validationError } from '../errors.js'
import { oauthCredentials, oauthSettings, type Org } from '../org.js'
import type { AppRecord } from '../store.js'
import { asObject, clone, isObject, newId, now, type JsonObject } from '../util.js'
import { bodyObject, lifecycleLinks, registerCollection, registerLifecycle } from './resource.js'
import type { Router } from './router.js'

/** The JWK members a signing key keeps (public parts only). */
const PUBLIC_MEMBERS = ['kid', 'kty', 'alg', 'use', 'e', 'n', 'crv', 'x', 'y']

/** The app's key records (created on first use from `settings.oauthClient.jwks`). */
export function jwkRecords(app: AppRecord): JsonObject[] {
  const settings = oauthSettings(app)
  if (!isObject(settings.jwks)) {
    const oauthClient = asObject(asObject(app.app.settings).oauthClient)
    oauthClient.jwks = { keys: [] }
  }
  const jwks = asObject(oauthSettings(app).jwks)
  if (!Array.isArray(jwks.keys)) {
    jwks.keys = []
  }
  const keys = jwks.keys as JsonObject[]
  for (const key of keys) {
    key.id ??= newId('pks')
    key.status ??= 'ACTIVE'
    key.created ??= app.app.created
    key.lastUpdated ??= app.app.lastUpdated
  }
  return keys
}

/** The ACTIVE public keys of an app, as the JWKS oidc-provider verifies client assertions with. */
export function activeJwks(app: AppRecord): JsonObject {
  const keys = (Array.isArray(asObject(oauthSettings(app).jwks).keys) ? (asObject(oauthSettings(app).jwks).keys as unknown[]) : [])
    .map(asObject)
    .filter((k) => k.status !== 'INACTIVE')
    .map((k) => Object.fromEntries(PUBLIC_MEMBERS.filter((m) => k[m] !== undefined).map((m) => [m, k[m]])))
  return { keys }
}

function render(org: Org, app: AppRecord, key: JsonObject): JsonObject {
  const href = `${org.orgUrl}/api/v1/apps/${app.id}/credentials/jwks/${String(key.id)}`
  return { ...clone(key), _links: lifecycleLinks(href, key.status) }
}

function validateKey(body: JsonObject, existing: JsonObject[]): JsonObject {
  if (body.kty !== 'RSA' && body.kty !== 'EC') {
    throw validationError('kty', "kty: 'kty' must be RSA or EC.")
  }
  if (typeof body.kid !== 'string' || !body.kid) {
    throw validationError('kid', "kid: 'kid' is required: keys without a kid cannot be added next to others.")
  }
  if (existing.some((k) => k.kid === body.kid)) {
    throw validationError('kid', `kid: A key with kid '${body.kid}' already exists for this client.`)
  }
  if (body.d !== undefined || body.p !== undefined) {
    throw validationError('jwk', 'jwk: Only public keys can be added; the key has private members.')
  }
  const key: JsonObject = Object.fromEntries(PUBLIC_MEMBERS.filter((m) => body[m] !== undefined).map((m) => [m, body[m]]))
  try {
    createPublicKey({ key: key as import('node:crypto').JsonWebKey, format: 'jwk' })
  } catch {
    throw validationError('jwk', 'jwk: The key is not a valid public JSON Web Key.')
  }
  const t = now()
  return { ...key, id: newId('pks'), status: body.status === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE', created: t, lastUpdated: t }
}

/** Registers `/api/v1/apps/{appId}/credentials/jwks/**`. */
export function registerJwks(router: Router, org: Org): void {
  const base = '/api/v1/apps/:appId/credentials/jwks'
  const find = registerCollection<AppRecord, JsonObject>(router, org, {
    path: base,
    param: 'keyId',
    type: 'OAuth2ClientJsonWebKey',
    parent: (req) => org.app(req.params.appId ?? ''),
    items: jwkRecords,
    idOf: (k) => String(k.id),
    render: (app, k) => render(org, app, k),
    create: (req, app) => {
      const keys = jwkRecords(app)
      const key = validateKey(bodyObject(req, 'jwk'), keys)
      keys.push(key)
      return key
    },
    remove: (app, key) => {
      // "You can only delete an inactive key." (spec: deletejwk)
      if (key.status === 'ACTIVE') {
        throw validationError('jwk', 'jwk: An active JSON Web Key cannot be deleted; deactivate it first.')
      }
      const keys = jwkRecords(app)
      keys.splice(keys.indexOf(key), 1)
    },
  })
  registerLifecycle(router, org, `${base}/:keyId`, find, {
    holder: (k) => k,
    render: (app, k) => render(org, app, k),
    answer: 'item',
    guard: (app, key, status) => {
      const othersActive = jwkRecords(app).filter((k) => k !== key && k.status === 'ACTIVE').length
      if (status === 'INACTIVE' && othersActive === 0 && oauthCredentials(app).token_endpoint_auth_method === 'private_key_jwt') {
        throw validationError('jwk', 'jwk: The only active key of a private_key_jwt client cannot be deactivated.')
      }
    },
  })
}
