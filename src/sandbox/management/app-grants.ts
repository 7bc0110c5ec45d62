// Which grant types, response types and redirect URIs an OIDC app may have, by application_type (Okta's table:
// https://developer.okta.com/docs/reference/api/apps/#credentials-settings-details, spec OAuthGrantType).
import { asStringArray } from '../util.js'

/** One cause of a validation error. */
export type Cause = { field: string; message: string }

const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code'
const SAML2 = 'urn:ietf:params:oauth:grant-type:saml2-bearer'
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
const OIE = [
  'interaction_code',
  'urn:okta:params:oauth:grant-type:otp',
  'urn:okta:params:oauth:grant-type:oob',
  'http://auth0.com/oauth/grant-type/mfa-otp',
  'http://auth0.com/oauth/grant-type/mfa-oob',
]

/** Valid and required grant types per application_type (Okta's table, see okta-api.md §1.3). */
export const GRANTS_BY_TYPE: Record<string, { valid: string[]; required?: string }> = {
  web: {
    valid: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials', SAML2, TOKEN_EXCHANGE, DEVICE, ...OIE],
    required: 'authorization_code',
  },
  browser: { valid: ['authorization_code', 'implicit', 'refresh_token', SAML2, TOKEN_EXCHANGE, DEVICE, ...OIE] },
  native: {
    valid: ['authorization_code', 'implicit', 'refresh_token', 'password', SAML2, JWT_BEARER, TOKEN_EXCHANGE, DEVICE, ...OIE],
    required: 'authorization_code',
  },
  service: { valid: ['client_credentials', SAML2, TOKEN_EXCHANGE, JWT_BEARER], required: 'client_credentials' },
}

function isUri(value: string, { allowCustomScheme = true } = {}): boolean {
  try {
    const url = new URL(value)
    if (url.hash) {
      return false
    }
    return allowCustomScheme || url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

function uriList(field: string, value: unknown, causes: Cause[], allowCustomScheme = true): string[] | undefined {
  if (value === undefined || value === null) {
    return undefined
  }
  const list = asStringArray(value)
  if (!list) {
    causes.push({ field, message: `'${field}' must be an array of URIs.` })
    return undefined
  }
  for (const uri of list) {
    if (!isUri(uri, { allowCustomScheme })) {
      causes.push({ field, message: `'${uri}' is not a valid redirect URI.` })
    }
  }
  return list
}

/** Grant and response types and redirect URIs of an app body, with the causes of what is wrong. */
export interface GrantSettings {
  grants: string[]
  responseTypes: string[]
  redirectUris: string[]
  logoutUris: string[] | undefined
}

/** Validates grant types, response types and redirect URIs against the application type's rules. */
export function validateGrants(inSettings: Record<string, unknown>, appType: unknown, causes: Cause[]): GrantSettings {
  const rules = typeof appType === 'string' ? GRANTS_BY_TYPE[appType] : undefined
  const grantTypes = asStringArray(inSettings.grant_types)
  if (!grantTypes || grantTypes.length === 0) {
    causes.push({ field: 'settings.oauthClient.grant_types', message: "'grant_types' is required." })
  }
  const grants = grantTypes ?? []
  if (rules) {
    for (const g of grants) {
      if (!rules.valid.includes(g)) {
        causes.push({
          field: 'settings.oauthClient.grant_types',
          message: `'${g}' is not a valid grant type for the application type '${String(appType)}'.`,
        })
      }
    }
    if (rules.required && grants.length && !grants.includes(rules.required)) {
      causes.push({
        field: 'settings.oauthClient.grant_types',
        message: `Application type '${String(appType)}' requires the '${rules.required}' grant type.`,
      })
    }
  }
  let responseTypes = asStringArray(inSettings.response_types)
  if (inSettings.response_types !== undefined && inSettings.response_types !== null && !responseTypes) {
    causes.push({ field: 'settings.oauthClient.response_types', message: "'response_types' must be an array." })
  }
  if (!responseTypes || responseTypes.length === 0) {
    const derived = new Set<string>()
    if (grants.includes('implicit') || grants.includes('client_credentials')) {
      derived.add('token')
    }
    if (grants.some((g) => ['authorization_code', 'password', 'refresh_token'].includes(g))) {
      derived.add('code')
    }
    responseTypes = [...derived]
  }
  for (const r of responseTypes) {
    if (!['code', 'token', 'id_token'].includes(r)) {
      causes.push({ field: 'settings.oauthClient.response_types', message: `'${r}' is not a valid response type.` })
    }
  }
  if (grants.includes('authorization_code') && !responseTypes.includes('code')) {
    causes.push({
      field: 'settings.oauthClient.response_types',
      message: "The 'authorization_code' grant type requires the 'code' response type.",
    })
  }
  if (responseTypes.includes('code') && !grants.some((g) => ['authorization_code', 'password', 'refresh_token'].includes(g))) {
    causes.push({
      field: 'settings.oauthClient.response_types',
      message: "The 'code' response type requires the 'authorization_code' grant type.",
    })
  }
  if (grants.includes('implicit') && !responseTypes.some((r) => r === 'token' || r === 'id_token')) {
    causes.push({
      field: 'settings.oauthClient.response_types',
      message: "The 'implicit' grant type requires the 'token' or 'id_token' response type.",
    })
  }
  const redirectUris = uriList('settings.oauthClient.redirect_uris', inSettings.redirect_uris, causes) ?? []
  if ((grants.includes('authorization_code') || grants.includes('implicit')) && redirectUris.length === 0) {
    causes.push({
      field: 'settings.oauthClient.redirect_uris',
      message: "'redirect_uris' is required for the 'authorization_code' and 'implicit' grant types.",
    })
  }
  const logoutUris = uriList('settings.oauthClient.post_logout_redirect_uris', inSettings.post_logout_redirect_uris, causes)
  return { grants, responseTypes, redirectUris, logoutUris }
}
