import type { AppIntent } from './intent.js'

/** The OIDC application types Okta knows (`settings.oauthClient.application_type`). */
export type ApplicationType = 'web' | 'browser' | 'native' | 'service'

/**
 * The non-secret facts of one Okta app integration, kept as JSON in the config home. Secrets (client secret,
 * API token, tokens) live in the secret store, never here.
 */
export interface Profile {
  name: string
  /** Okta org URL, e.g. https://example.okta.com (no trailing slash). */
  orgUrl?: string | undefined
  /** The issuer exactly as the authorization server publishes it. */
  issuer?: string | undefined
  /** `org` for the org authorization server, else the custom server's id (e.g. `default`). */
  authServerId?: string | undefined
  clientId?: string | undefined
  /**
   * Okta's `secret_hash` of the client secret in the secret store, recorded when it was stored: where Okta masks
   * secret values, doctor compares by it (spec OAuth2ClientSecret.secret_hash; its algorithm is not documented, so
   * it is never computed here, only compared).
   */
  clientSecretHash?: string | undefined
  appId?: string | undefined
  appLabel?: string | undefined
  applicationType?: ApplicationType | undefined
  target?: string | undefined
  baseUrl?: string | undefined
  redirectUris?: string[] | undefined
  postLogoutRedirectUris?: string[] | undefined
  scopes?: string[] | undefined
  grantTypes?: string[] | undefined
  /** The target's settings (`--set key=value`), e.g. OpenMetadata's admin principals; never a secret. */
  settings?: Record<string, string | string[] | boolean> | undefined
  /** The org connection (`okta configure --org NAME`) this profile's app lives in. */
  connection?: string | undefined
  /** The intent (spec) the profile was last applied with; read it through intentOf(), which covers legacy profiles. */
  intent?: AppIntent | undefined
  /** Set when `oidc-setup apply` wrote the profile: the spec file and environment, so `--prune` finds its apps. */
  spec?: { file: string; env?: string | undefined } | undefined
  /** Legacy (before connections): how the Management API is reached; `okta configure` now writes a connection. */
  management?:
    | {
        authMode: 'SSWS' | 'PrivateKey'
        clientId?: string | undefined
        keyId?: string | undefined
        privateKeyFile?: string | undefined
        scopes?: string[] | undefined
      }
    | undefined
  /** A client-secret rotation under way (`okta rotate-secret`); absent when none is. */
  rotation?: SecretRotation | undefined
  /** A private_key_jwt key rotation under way (`okta rotate-key`); absent when none is. */
  keyRotation?: KeyRotation | undefined
  /** Okta objects `okta create-app` created for this profile; `okta delete-app` removes exactly these. */
  managed?: ManagedResource[] | undefined
  /** The target's companion apps by role (e.g. Argo CD's `cli`), provisioned with the main app. */
  companions?: Record<string, { appId: string; clientId: string; label: string }> | undefined
  updatedAt?: string | undefined
}

/**
 * The state of a client-secret rotation, kept in the profile so an interrupted `okta rotate-secret` resumes where it
 * stopped. Steps in order: `adding` (about to add a secret in Okta), `added` (added; its plaintext is in the store
 * as the next secret), `stored` (the store's client secret is the new one, the old one kept as previous),
 * `rendered` (the target's files carry it), `proven` (the token endpoint accepted it).
 */
export interface SecretRotation {
  step: 'adding' | 'added' | 'stored' | 'rendered' | 'proven'
  /** The Okta ids of the secrets being replaced (active when the rotation began). */
  oldSecretIds: string[]
  newSecretId?: string | undefined
  startedAt: string
  /** With --grace: when the old secrets may be retired. */
  graceUntil?: string | undefined
  /** Where the files were re-rendered, for the report and doctor. */
  renderedTo?: string | undefined
}

/**
 * The state of a private_key_jwt key rotation (`okta rotate-key`), kept in the profile so an interrupted run resumes.
 * Steps in order: `generated` (the new private key is in the store as the next key), `registered` (its public JWK is
 * an ACTIVE key of the app), `stored` (the store's client key is the new one), `proven` (the token endpoint accepted
 * an assertion signed with it).
 */
export interface KeyRotation {
  step: 'generated' | 'registered' | 'stored' | 'proven'
  /** The Okta ids (`pks…`) of the keys being replaced (active when the rotation began). */
  oldKeyIds: string[]
  /** The new key's kid (RFC 7638 thumbprint). */
  newKid: string
  newKeyId?: string | undefined
  startedAt: string
}

/** One Okta object oidc-setup created (for `okta delete-app`). */
export interface ManagedResource {
  type: 'app' | 'authorization-server' | 'scope' | 'claim' | 'policy' | 'rule' | 'trusted-origin' | 'test-user'
  id: string
  name: string
  /** The authorization server a scope, claim, policy or rule belongs to. */
  serverId?: string | undefined
}

const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

/** Whether a profile name is safe to use as a file name. */
export function isValidProfileName(name: string): boolean {
  return PROFILE_NAME.test(name)
}

/** Names of the secret-store entries of a profile. */
export const secretKeys = {
  clientSecret: (profile: string) => `profile:${profile}:client-secret`,
  /** A rotation's new secret between its creation in Okta and the switch-over (okta rotate-secret). */
  clientSecretNext: (profile: string) => `profile:${profile}:client-secret-next`,
  /** The secret a rotation replaced, until the rotation finishes. */
  clientSecretPrevious: (profile: string) => `profile:${profile}:client-secret-previous`,
  /** The private JWK the app signs private_key_jwt client assertions with (issue 15 item 2). */
  clientPrivateKey: (profile: string) => `profile:${profile}:client-private-key`,
  /** A key rotation's new private key until it becomes the client key (okta rotate-key). */
  clientPrivateKeyNext: (profile: string) => `profile:${profile}:client-private-key-next`,
  /** The key a key rotation replaced, until the rotation finishes. */
  clientPrivateKeyPrevious: (profile: string) => `profile:${profile}:client-private-key-previous`,
  apiToken: (profile: string) => `profile:${profile}:okta-api-token`,
  privateKey: (profile: string) => `profile:${profile}:okta-private-key`,
  tokenSet: (profile: string) => `profile:${profile}:token-set`,
  testUserPassword: (profile: string) => `profile:${profile}:test-user-password`,
  /** The base32 seed of the test user's TOTP authenticator (its second factor on Identity Engine orgs). */
  testUserTotp: (profile: string) => `profile:${profile}:test-user-totp`,
} as const
