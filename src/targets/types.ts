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
  /**
   * The issuer the app's ID tokens carry (`settings.oauthClient.issuer_mode`), when the target needs one: Kestra and
   * OpenMetadata validate against the Okta URL, which differs from the default once the org has a custom domain.
   */
  issuerMode?: 'ORG_URL' | undefined
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

/** The file forms a renderable target can produce. */
export type RenderFormat = 'native' | 'env'

/** How the client secret appears in rendered files. */
export type SecretSource =
  /** The literal secret (files holding it are written 0600). */
  | { kind: 'literal'; value: string }
  /** A reference resolved by the target at run time (`--secret-ref env`); the files hold no secret. */
  | { kind: 'env' }

/** Everything a renderer needs; built and validated by the render-config use case. */
export interface RenderContext {
  /** The issuer exactly as Okta publishes it (no trailing slash). */
  issuer: string
  /** Whether the issuer is the org authorization server (no path) or a custom one (`/oauth2/{id}`). */
  issuerKind: 'org' | 'custom'
  /** JWKS of the authorization server that signs the tokens. */
  jwksUri: string
  /** OpenID discovery document of the issuer. */
  discoveryUri: string
  clientId: string
  clientSecret: SecretSource
  /** The application's base URL without a trailing slash. */
  baseUrl: string
  format: RenderFormat
  requirements: OktaAppRequirements
  /** Base64 of `bytes` random bytes; injectable so golden files are deterministic. */
  randomBase64(bytes: number): string
}

/** One file a renderer produced. */
export interface RenderedFile {
  /** Path relative to the output directory, e.g. `oidc_backends_config.xml`. */
  path: string
  text: string
  /** Whether the text holds a secret (then it is written 0600). */
  containsSecret: boolean
  /** Secret values in the text (client secret, generated or kept secrets), to redact from diffs and logs. */
  secrets: string[]
}

/** The template files of a target, by file name, as shipped in `templates/<target>/`. */
export type TemplateSet = ReadonlyMap<string, string>

/**
 * How a target's files are rendered. Values are always placed by a serializer (yaml Document API, a DOM, strict
 * env escaping), never pasted into text.
 */
export interface TargetRenderer {
  /** The files a format produces (template file names, relative to `templates/<target>/`). */
  files(format: RenderFormat): string[]
  /** Renders every file of `context.format` from the shipped templates. Throws ConfigError for a broken template. */
  render(context: RenderContext, templates: TemplateSet): RenderedFile[]
  /**
   * Updates an existing file in place: sets only the keys this tool owns and keeps every other key, provider and
   * comment. Throws ConfigError when the existing text cannot be parsed.
   */
  merge(path: string, existingText: string, context: RenderContext, templates: TemplateSet): RenderedFile
}

/** A target whose config files `render-config` can write. */
export interface RenderableTarget extends TargetModule {
  /** Formats it supports (`native` always). */
  formats: RenderFormat[]
  /** Why `--secret-ref env` is not supported, or undefined when it is. */
  secretRefUnsupported?: string | undefined
  /** A warning when the issuer's kind (org or custom authorization server) is a known trap for this target. */
  issuerWarning?(kind: 'org' | 'custom'): string | undefined
  /** Lines for the "next steps" on stderr after rendering. */
  nextSteps(format: RenderFormat): string[]
  /** Loads the renderer lazily (it pulls in yaml / xmldom, which --help and `targets` must not load). */
  loadRenderer(): Promise<TargetRenderer>
}

/** Whether a target can render config files. */
export function isRenderable(target: TargetModule): target is RenderableTarget {
  return typeof (target as Partial<RenderableTarget>).loadRenderer === 'function'
}
