// The sandbox's sign-in step (`/signin/{server}/{uid}`): the login form, auto-login, and Okta's checks (assignment,
// policies, user status) before oidc-provider issues the code.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { InteractionDetails } from 'oidc-provider'
import type { AppRecord, UserRecord } from '../store.js'
import type { OidcHost } from './host.js'
import { escapeHtml, html, page } from './pages.js'
import { DEVICE_GRANT, evaluatePolicy, MESSAGES } from './policy.js'

  /** Serves `/signin/{key}/{uid}`: the sign-in page, auto-login, and Okta's checks before the code is issued. */
  export async function signIn(host: OidcHost, key: string, req: IncomingMessage, res: ServerResponse, form: URLSearchParams | undefined): Promise<void> {
    const provider = host.provider(key)
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
    if (details.prompt.name === 'consent' && details.session?.accountId) {
      // Only reached for prompt=consent (added for offline_access, see index.ts): TRUSTED apps consent silently.
      const grant = new provider.Grant({ accountId: details.session.accountId, clientId })
      grant.addOIDCScope(details.params.scope ?? 'openid')
      const grantId = await grant.save()
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true })
      return
    }
    const app = host.org.appByClientId(clientId)
    const scopes = (details.params.scope ?? '').split(' ').filter(Boolean)
    const grantType = details.params.response_type === undefined ? DEVICE_GRANT : 'authorization_code'
    const fail = (error: string, description: string): Promise<void> =>
      provider.interactionFinished(req, res, { error, error_description: description }, { mergeWithLastSubmission: false })

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
    const auto = host.autoLogin()
    if (form) {
      const candidate = host.org.findUser(form.get('username') ?? '')
      if (candidate && candidate.password !== undefined && candidate.password === form.get('password') && candidate.user.status === 'ACTIVE') {
        user = candidate
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
      html(res, formError ? 401 : 200, loginPage(key, details.uid, app, formError, form?.get('username') ?? details.params.login_hint ?? ''))
      return
    }
    if (!app || !host.org.isAssigned(app, user.id)) {
      await fail('access_denied', MESSAGES.notAssigned)
      return
    }
    if (server && !evaluatePolicy(host.org, server, clientId, grantType, scopes, user.id)) {
      await fail('access_denied', MESSAGES.policy)
      return
    }
    user.user.lastLogin = new Date().toISOString()
    host.org.changed()
    await provider.interactionFinished(req, res, { login: { accountId: user.id } }, { mergeWithLastSubmission: false })
  }

  function loginPage(key: string, uid: string, app: AppRecord | undefined, error: string | undefined, username: string): string {
    return page(
      'Sign In',
      `<p>to <b>${escapeHtml(String(app?.app.label ?? 'the application'))}</b> (oidc-setup sandbox)</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/signin/${escapeHtml(key)}/${escapeHtml(uid)}">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" value="${escapeHtml(username)}" autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
<button type="submit" id="sign-in">Sign In</button></form>`,
    )
  }
