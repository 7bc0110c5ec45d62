// `/api/v1/apps`: OIDC app integrations (validation in app-validation.ts, secrets in app-credentials.ts, assignments
// in app-assignments.ts).
import { OktaError, notFound, validationError } from '../errors.js'
import { oauthSettings, type Org } from '../org.js'
import type { AppRecord } from '../store.js'
import { asObject, clone, newId, type JsonObject } from '../util.js'
import { registerAppAssignments } from './app-assignments.js'
import { activeSecret, newSecret, registerAppCredentials } from './app-credentials.js'
import { SECRET_METHODS, validateApp, type AppDefaults } from './app-validation.js'
import { defaultAccessPolicyId } from './access-policies.js'
import { registerLifecycle } from './resource.js'
import { noContent, ok, paginate, search, type ApiRequest, type Router } from './router.js'

export { activeSecret } from './app-credentials.js'
export { validateApp } from './app-validation.js'

/** The app as Okta returns it; with `withSecret` the active secret is included (create/update responses only). */
export function renderApp(org: Org, app: AppRecord, withSecret = false): JsonObject {
  const out = clone(app.app)
  out.id = app.id
  const creds = asObject(asObject(out.credentials).oauthClient)
  if (withSecret && SECRET_METHODS.has(String(creds.token_endpoint_auth_method))) {
    const value = activeSecret(app)
    if (value) {
      creds.client_secret = value
    }
  }
  const base = `${org.orgUrl}/api/v1/apps/${app.id}`
  out._links = {
    appLinks: [{ name: 'oidc_client_link', href: `${org.orgUrl}/home/oidc_client/${app.id}/aln177a159h7Zf52X0g8`, type: 'text/html' }],
    groups: { href: `${base}/groups` },
    logo: [{ name: 'medium', href: `${org.orgUrl}/assets/img/logos/default.png`, type: 'image/png' }],
    users: { href: `${base}/users` },
    self: { href: base },
    ...(app.app.status === 'ACTIVE'
      ? { deactivate: { href: `${base}/lifecycle/deactivate` } }
      : { activate: { href: `${base}/lifecycle/activate` } }),
    // Identity Engine: the app's authentication policy (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Application/).
    ...(app.accessPolicyId ? { accessPolicy: { href: `${org.orgUrl}/api/v1/policies/${app.accessPolicyId}` } } : {}),
  }
  return out
}

/** The defaults the org's mode gives new apps. */
function appDefaults(org: Org): AppDefaults {
  return { issuerMode: org.customUrl ? 'CUSTOM_URL' : 'ORG_URL', dpopForServiceApps: true }
}

function activateParam(req: ApiRequest): boolean {
  const value = req.query.get('activate')
  return value === null ? true : value !== 'false'
}

/** Registers `/api/v1/apps/**`. */
export function registerApps(router: Router, org: Org): void {
  router.add('GET', '/api/v1/apps', (req) => {
    const items = org.state.apps.map((a) => renderApp(org, a))
    return paginate(search(items, req, ['name', 'label'], ['id', 'status', 'name', 'credentials.signing.kid', 'settings.slo.enabled', 'credentials.oauthClient.client_id']), req, {
      defaultLimit: -1,
      maxLimit: 200,
    })
  })

  router.add('POST', '/api/v1/apps', (req) => {
    const { app, needsSecret, requestedSecret } = validateApp(req.body, undefined, appDefaults(org))
    const creds = asObject(asObject(app.credentials).oauthClient)
    const id = newId('0oa')
    if (creds.client_id === undefined) {
      creds.client_id = id
    } else if (org.appByClientId(String(creds.client_id))) {
      throw validationError('client_id', 'credentials.oauthClient.client_id: An app with this client_id already exists.')
    }
    app.status = activateParam(req) ? 'ACTIVE' : 'INACTIVE'
    const record: AppRecord = { id, app, secrets: [], groups: [], users: [] }
    if (oauthSettings(record).application_type !== 'service') {
      // Identity Engine gives every new app that signs users in the shared default authentication policy.
      const policyId = defaultAccessPolicyId(org)
      if (policyId) {
        record.accessPolicyId = policyId
      }
    }
    if (needsSecret) {
      record.secrets.push(newSecret(requestedSecret))
    }
    org.state.apps.push(record)
    org.settle(`app-created:${id}`)
    org.changed()
    return ok(renderApp(org, record, true))
  })

  router.add('GET', '/api/v1/apps/:appId', (req) => ok(renderApp(org, org.app(req.params.appId ?? ''))))

  router.add('PUT', '/api/v1/apps/:appId', (req) => {
    const record = org.app(req.params.appId ?? '')
    const { app, needsSecret, requestedSecret } = validateApp(req.body, record, appDefaults(org))
    record.app = app
    if (needsSecret) {
      if (requestedSecret && requestedSecret !== activeSecret(record)) {
        record.secrets = [newSecret(requestedSecret)]
      } else if (!activeSecret(record)) {
        record.secrets.push(newSecret())
      }
    }
    org.changed()
    return ok(renderApp(org, record, true))
  })

  router.add('DELETE', '/api/v1/apps/:appId', (req) => {
    const record = org.app(req.params.appId ?? '')
    if (org.settling(`app-deactivated:${record.id}`)) {
      // Okta is eventually consistent: a delete right after the deactivation can fail; okta/terraform-provider-okta
      // (okta/services/idaas/app.go deleteApplication) retries it with backoff for this reason.
      throw new OktaError(500, 'E0000009', 'Internal Server Error', [{ errorSummary: 'The application is still being deactivated; retry.' }])
    }
    if (record.app.status === 'ACTIVE') {
      throw new OktaError(403, 'E0000056', 'Delete application forbidden.', [
        { errorSummary: 'The application must be deactivated before it can be deleted.' },
      ])
    }
    org.state.apps = org.state.apps.filter((a) => a !== record)
    org.changed()
    return noContent()
  })

  registerLifecycle(router, org, '/api/v1/apps/:appId', (req) => [undefined, org.app(req.params.appId ?? '')], {
    holder: (a) => a.app,
    answer: 'empty',
    guard: (_p, a, status) => {
      if (status === 'INACTIVE' && org.settling(`app-created:${a.id}`)) {
        // A new app is not yet visible everywhere: its deactivation answers 404 for a while (eventual consistency).
        throw notFound(a.id, 'AppInstance')
      }
      if (status === 'INACTIVE') {
        org.settle(`app-deactivated:${a.id}`)
      }
    },
  })
  registerAppCredentials(router, org)
  registerAppAssignments(router, org)
}
