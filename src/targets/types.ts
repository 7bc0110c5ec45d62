import type { ApplicationType } from '../domain/profile.js'

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
  tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post' | 'none' | 'private_key_jwt'
  pkceRequired: boolean
  /** The authorization server the target works best with, and whether it can use the other kind. */
  authServer: AuthServerChoice
  /** Refresh token rotation, when `refresh_token` is among the grant types. */
  refreshTokenRotation?: 'ROTATE' | 'STATIC' | undefined
  /** Origins to register as trusted (CORS + redirect), for browser apps. */
  trustedOrigins?: string[] | undefined
  /** Why each non-obvious choice was made; shown by `targets` and `render-config`. */
  notes: string[]
}

/** Values a target's requirements are derived from. */
export interface RequirementsInput {
  /** The application's base URL (validated: http(s), no credentials, no fragment, no query). */
  baseUrl: URL
}

/** A target oidc-setup knows: what it needs in Okta and, for renderable targets, how its files look. */
export interface TargetModule {
  /** Canonical name, e.g. `openmetadata`. */
  name: string
  /** Other names accepted on the command line, e.g. `collate`. */
  aliases: string[]
  /** Display name, e.g. "OpenMetadata / Collate". */
  title: string
  /** One line for `oidc-setup targets`. */
  summary: string
  requirements(input: RequirementsInput): OktaAppRequirements
}
