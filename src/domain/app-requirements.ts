import type { ApplicationType } from './profile.js'

/** How a client authenticates at the token endpoint (`token_endpoint_auth_method`, RFC 7591 §2). */
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none' | 'private_key_jwt'

/** The methods that send a client secret (the app has one in Okta and the target needs it in its config). */
export type ClientSecretAuthMethod = Extract<TokenEndpointAuthMethod, 'client_secret_basic' | 'client_secret_post'>

/**
 * Whether a client authenticates with a client secret: the one place that decides "is this a confidential client
 * with a secret to store, render and check" (`none` is public; `private_key_jwt` is confidential but keyed).
 */
export function usesClientSecret(method: TokenEndpointAuthMethod): method is ClientSecretAuthMethod {
  return method === 'client_secret_basic' || method === 'client_secret_post'
}

/** Which authorization server a target should use by default. */
export type AuthServerChoice = 'org' | 'default' | 'new'

/**
 * What a target needs registered in Okta, derived from its base URL. The single source of truth shared by
 * render-config (which prints it), okta create-app (which provisions it) and doctor (which checks it).
 */
export interface OktaAppRequirements {
  applicationType: ApplicationType
  grantTypes: string[]
  responseTypes: string[]
  redirectUris: string[]
  postLogoutRedirectUris: string[]
  /** Scopes the target requests at login. */
  scopes: string[]
  tokenEndpointAuthMethod: TokenEndpointAuthMethod
  pkceRequired: boolean
  /** The authorization server the target works best with, and whether it can use the other kind. */
  authServer: AuthServerChoice
  /** Refresh token rotation, when `refresh_token` is among the grant types. */
  refreshTokenRotation?: 'ROTATE' | 'STATIC' | undefined
  /**
   * The issuer the app's ID tokens carry (`settings.oauthClient.issuer_mode`), when the target needs one: Kestra and
   * OpenMetadata validate against the Okta URL, which differs from the default once the org has a custom domain.
   * Provisioning always sends one (ORG_URL when the target states none): with a custom domain Okta defaults new apps
   * to CUSTOM_URL (spec OpenIdConnectApplicationIssuerMode), and the rendered config names the issuer it chose.
   */
  issuerMode?: 'ORG_URL' | 'CUSTOM_URL' | undefined
  /** Origins to register as trusted (CORS + redirect), for browser apps. */
  trustedOrigins?: string[] | undefined
  /** Why each non-obvious choice was made; shown by `targets` and `render-config`. */
  notes: string[]
}

