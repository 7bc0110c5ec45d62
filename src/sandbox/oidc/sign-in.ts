// The sandbox's sign-in step (`/signin/{server}/{uid}`): the login form, the second factor an Identity Engine app's
// authentication policy asks for, the consent Okta shows for REQUIRED scopes, auto-login, and Okta's checks (assignment,
// access policies, user status) before oidc-provider issues the code. A POST may carry every answer at once
// (`username`, `password`, `otp`, `consent`): that is how the test-login mechanism (test-login.ts) drives it.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { InteractionDetails } from 'oidc-provider'
import { signOnRequirement } from '../management/access-policies.js'
import type { Domain } from '../org.js'
import type { AppRecord, UserRecord } from '../store.js'
import { totpMatches } from '../totp.js'
import { oauthSettings } from '../org.js'
import type { OidcHost } from './host.js'
import { consentPage, html, loginPage, page, secondFactorPage } from './pages.js'
import { DEVICE_GRANT, evaluatePolicy, MESSAGES } from './policy.js'

/** Interactions whose password step passed and that wait for the second factor: uid → user id. */
const awaitingSecondFactor = new Map<string, string>()

/**
 * The scopes Okta asks the user to consent to: with the app's `consent_method: REQUIRED`, the requested custom-server
 * scopes whose `consent` is REQUIRED (https://developer.okta.com/docs/guides/request-user-consent/main/).
 */
export function consentScopes(host: OidcHost, key: string, app: AppRecord | undefined, scopes: string[]): string[] {
  const server = host.server(key)
  if (!app || !server || oauthSettings(app).consent_method !== 'REQUIRED') {
    return []
  }
  return scopes.filter((name) => server.scopes.some((s) => s.name === name && s.consent === 'REQUIRED'))
}

/** Serves `/signin/{key}/{uid}`. */
export async function signIn(host: OidcHost, key: string, domain: Domain, req: IncomingMessage, res: ServerResponse, form: URLSearchParams | undefined): Promise<void> {
  const provider = host.provider(key, domain)
  if (!provider) {
    html(res, 404, page('Not found', '<p>This authorization server does not exist or is inactive.</p>'))
    return
  }
  let details: InteractionDetails
  try {
    details = await provider.interactionDetails(req, res)
  } catch {
    html(res, 400, page('Sign-in expired', '<p>This sign-in request has expired or its cookie is missing. Start again from the application.</p>'))
    return
  }
  const server = host.server(key)
  const clientId = details.params.client_id ?? ''
  const app = host.org.appByClientId(clientId)
  const scopes = (details.params.scope ?? '').split(' ').filter(Boolean)
  const fail = (error: string, description: string): Promise<void> =>
    provider.interactionFinished(req, res, { error, error_description: description }, { mergeWithLastSubmission: false })

  if (details.prompt.name === 'consent' && details.session?.accountId) {
    // Reached for prompt=consent: added for offline_access (TRUSTED apps consent silently) or for REQUIRED consent.
    const asked = consentScopes(host, key, app, scopes)
    const answer = form?.get('consent')
    if (asked.length && answer !== 'allow') {
      if (answer === 'deny') {
        await fail('access_denied', 'User denied consent.')
        return
      }
      html(res, 200, consentPage(key, details.uid, app, asked), 'consent')
      return
    }
    const grant = new provider.Grant({ accountId: details.session.accountId, clientId })
    grant.addOIDCScope(details.params.scope ?? 'openid')
    const grantId = await grant.save()
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true })
    return
  }
  const grantType = details.params.response_type === undefined ? DEVICE_GRANT : 'authorization_code'
  const known = new Set(host.scopesOf(server))
  if (scopes.some((s) => !known.has(s))) {
    await fail('invalid_scope', MESSAGES.scopes)
    return
  }
  if (server && !evaluatePolicy(host.org, server, clientId, grantType, scopes)) {
    await fail('access_denied', MESSAGES.policy)
    return
  }
  let user: UserRecord | undefined
  let formError: string | undefined
  let interactive = false
  const auto = host.autoLogin()
  const pending = awaitingSecondFactor.get(details.uid)
  if (form && pending && !form.has('password')) {
    user = host.org.state.users.find((u) => u.id === pending)
    interactive = true
  } else if (form) {
    const candidate = host.org.findUser(form.get('username') ?? '')
    if (candidate && candidate.password !== undefined && candidate.password === form.get('password') && candidate.user.status === 'ACTIVE') {
      user = candidate
      interactive = true
    } else {
      formError = 'Unable to sign in'
    }
  } else if (auto) {
    user = host.org.findUser(auto)
  } else if (details.session?.accountId) {
    user = host.org.state.users.find((u) => u.id === details.session?.accountId)
  }
  if (user && user.user.status !== 'ACTIVE') {
    // Staged, suspended or deactivated users cannot sign in (auto-login and existing sessions included).
    user = undefined
    formError = 'Unable to sign in'
  }
  if (!user) {
    html(res, formError ? 401 : 200, loginPage(key, details.uid, app, formError, form?.get('username') ?? details.params.login_hint ?? ''), 'login')
    return
  }
  if (!app || !host.org.isAssigned(app, user.id)) {
    awaitingSecondFactor.delete(details.uid)
    await fail('access_denied', MESSAGES.notAssigned)
    return
  }
  if (server && !evaluatePolicy(host.org, server, clientId, grantType, scopes, user.id)) {
    awaitingSecondFactor.delete(details.uid)
    await fail('access_denied', MESSAGES.policy)
    return
  }
  if (interactive) {
    // Identity Engine: the app's authentication policy decides whether the password is enough.
    const requirement = signOnRequirement(host.org, app, user.id)
    if (requirement === 'deny') {
      await fail('access_denied', MESSAGES.policy)
      return
    }
    if (requirement === '2FA') {
      if (!user.totpSecret) {
        html(res, 403, page('Set up multifactor authentication', '<p class="error" role="alert">This app\'s sign-in policy requires a second factor, and this user has no authenticator enrolled.</p>'), 'no-authenticator')
        return
      }
      const otp = form?.get('otp')
      if (!otp || !totpMatches(user.totpSecret, otp)) {
        awaitingSecondFactor.set(details.uid, user.id)
        setTimeout(() => awaitingSecondFactor.delete(details.uid), 10 * 60_000).unref()
        html(res, otp ? 401 : 200, secondFactorPage(key, details.uid, app, otp ? 'Invalid code. Try again.' : undefined), 'second-factor')
        return
      }
    }
    awaitingSecondFactor.delete(details.uid)
  }
  user.user.lastLogin = new Date().toISOString()
  host.org.changed()
  await provider.interactionFinished(req, res, { login: { accountId: user.id, amr: interactive ? ['pwd'] : undefined } }, { mergeWithLastSubmission: false })
}
