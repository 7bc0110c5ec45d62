import type { TokenEndpointAuthMethod } from './app-requirements.js'
import type { ApplicationType } from './profile.js'

/**
 * Okta objects as oidc-setup sees them: plain data, independent of the Okta SDK's model classes. The OktaAdmin
 * adapter translates to and from Okta's JSON at the boundary.
 */

/** The text that marks an object oidc-setup created (in a description, the app's admin notes or a name prefix). */
export const MANAGED_MARKER = 'managed by oidc-setup'

/** Whether a description or note carries the managed marker. */
export function isManaged(text: string | undefined): boolean {
  return text !== undefined && text.includes(MANAGED_MARKER)
}

/** The settings of an OIDC app that oidc-setup reconciles. */
export interface AppSpec {
  label: string
  applicationType: ApplicationType
  grantTypes: string[]
  responseTypes: string[]
  redirectUris: string[]
  postLogoutRedirectUris: string[]
  tokenEndpointAuthMethod: TokenEndpointAuthMethod
  pkceRequired: boolean
  /** Only when `refresh_token` is among the grant types. */
  refreshTokenRotation?: 'ROTATE' | 'STATIC' | undefined
  /** The issuer in the app's ID tokens; Okta omits it without a custom domain, which means ORG_URL. */
  issuerMode?: 'ORG_URL' | 'CUSTOM_URL' | 'DYNAMIC' | undefined
  /** Admin notes; carries the managed marker. */
  notes?: string | undefined
}

/** An OIDC app integration as read from Okta. */
export interface OidcApp extends AppSpec {
  id: string
  clientId: string
  status: 'ACTIVE' | 'INACTIVE' | string
  /** Only in the create response (and on updates that regenerate it). */
  clientSecret?: string | undefined
  /** `OPENID_CONNECT` for OIDC apps; other kinds are only ever read (adopt refuses them). */
  signOnMode?: string | undefined
  /**
   * Federation Broker Mode (`settings.implicitAssignment: true`): every user may sign in and Okta refuses manual
   * assignments (https://help.okta.com/oie/en-us/content/topics/apps/apps-fbm-enable.htm).
   */
  federationBrokerMode?: boolean | undefined
}

/** A custom authorization server. */
export interface AuthServer {
  id: string
  name: string
  description?: string | undefined
  audiences: string[]
  issuer: string
  status: string
}

/** Fields of a new authorization server. */
export interface AuthServerSpec {
  name: string
  description: string
  audiences: string[]
}

/** A scope on a custom authorization server. */
export interface ScopeSpec {
  name: string
  description?: string | undefined
  default: boolean
  metadataPublish: 'ALL_CLIENTS' | 'NO_CLIENTS'
  consent: 'IMPLICIT' | 'REQUIRED' | 'FLEXIBLE'
}

/** A scope as read from Okta. */
export interface Scope extends ScopeSpec {
  id: string
  system: boolean
}

/** A claim on a custom authorization server (oidc-setup only manages a groups claim). */
export interface ClaimSpec {
  name: string
  claimType: 'IDENTITY' | 'RESOURCE'
  valueType: 'GROUPS' | 'EXPRESSION' | 'SYSTEM'
  value: string
  groupFilterType?: 'STARTS_WITH' | 'EQUALS' | 'CONTAINS' | 'REGEX' | undefined
  alwaysIncludeInToken: boolean
  status: 'ACTIVE' | 'INACTIVE'
  scopes: string[]
}

/** A claim as read from Okta. */
export interface Claim extends ClaimSpec {
  id: string
}

/** An access policy of a custom authorization server. */
export interface PolicySpec {
  name: string
  description: string
  status: 'ACTIVE' | 'INACTIVE'
  /** client_id values, or ["ALL_CLIENTS"]. */
  clientIds: string[]
}

/** A policy as read from Okta. */
export interface Policy extends PolicySpec {
  id: string
  priority: number
  system: boolean
}

/** A rule of an access policy. */
export interface RuleSpec {
  name: string
  status: 'ACTIVE' | 'INACTIVE'
  grantTypes: string[]
  scopes: string[]
  groups: string[]
  users: string[]
  accessTokenLifetimeMinutes: number
  refreshTokenLifetimeMinutes: number
  refreshTokenWindowMinutes: number
}

/** A rule as read from Okta. */
export interface Rule extends RuleSpec {
  id: string
  priority: number
  system: boolean
}

/** A trusted origin (CORS and redirect) for browser apps. */
export interface TrustedOriginSpec {
  name: string
  origin: string
  scopes: Array<'CORS' | 'REDIRECT'>
}

/** A trusted origin as read from Okta. */
export interface TrustedOrigin extends TrustedOriginSpec {
  id: string
}

/** A directory group. */
export interface Group {
  id: string
  name: string
  type: string
}

/** A directory user. */
export interface User {
  id: string
  login: string
  status: string
}

/** A client secret of an app. */
export interface ClientSecret {
  id: string
  status: string
  /** The plaintext as the API returned it; `''` where Okta masks it (elided or hashed: never stored as a secret). */
  value: string
  /** Whether Okta masked the value (then compare by `secretHash`, or not at all). */
  masked?: boolean | undefined
  /** `secret_hash` (spec OAuth2ClientSecret): compares secrets without their plaintext. */
  secretHash?: string | undefined
  created?: string | undefined
}

/**
 * Whether a Management API failure may succeed on retry: a dropped connection or timeout (no status) or a 5xx.
 * A create that failed this way may still have happened, so callers look before they create again.
 */
export function isTransientFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('details' in error)) {
    return false
  }
  const status = (error as { details: { status?: number | undefined } }).details.status
  return status === undefined || status >= 500
}
