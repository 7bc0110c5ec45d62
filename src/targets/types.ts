import type { OktaAppRequirements } from '../domain/app-requirements.js'

export type { AuthServerChoice, OktaAppRequirements } from '../domain/app-requirements.js'

/** Values a target's requirements are derived from. */
export interface RequirementsInput {
  /** The application's base URL (validated: http(s), no credentials, no fragment, no query). */
  baseUrl: URL
  /** The target's settings as given (validated against `TargetModule.settings`); absent ones are undefined. */
  settings?: TargetSettings | undefined
}

/** A value of a target setting. */
export type SettingValue = string | string[] | boolean

/** A target's settings by key (`--set key=value`, the spec's `settings:` map, the profile). */
export type TargetSettings = Readonly<Record<string, SettingValue | undefined>>

/**
 * Something a target needs from the user that Okta cannot tell, e.g. OpenMetadata's admin principals or Kestra's
 * default role. Given as `--set key=value` (lists: repeat the flag or separate with commas), as the spec's
 * `settings:` map, or at a prompt on a terminal; remembered in the profile. A required setting that is missing
 * makes render-config refuse (never a placeholder that locks users out).
 */
export interface TargetSetting {
  /** camelCase key, e.g. `adminPrincipals`. */
  key: string
  kind: 'string' | 'list' | 'boolean'
  /** One line for `targets`, help and the prompt. */
  description: string
  /** Whether rendering refuses without it. */
  required: boolean
  /**
   * Asked on a terminal when absent though not required (an empty answer leaves it unset): a value that cannot be
   * guessed and whose absence the user should decide on (Kestra's default role).
   */
  ask?: boolean | undefined
  /** Asked only when this other setting has a value (e.g. a role's permissions after the role). */
  askAfter?: string | undefined
  /** Used when the setting is absent (only for values that are safe for every install). */
  default?: SettingValue | undefined
  /** Checks one value (each entry of a list); returns the problem, or undefined when it is fine. */
  validate?(value: string): string | undefined
  /** An example value for hints, e.g. `alice@example.com`. */
  example: string
}

/**
 * A second Okta app a target needs beside its main one (e.g. Argo CD's CLI client, Kubernetes' developer login).
 * Provisioned with the main app, labelled `<label> (<role>)`; its client id reaches the renderer through
 * `RenderContext.companions[role]`.
 */
export interface CompanionApp {
  /** Short role name, e.g. `cli`. */
  role: string
  requirements: OktaAppRequirements
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
  /** Settings the target takes (`--set key=value`); none when absent. */
  settings?: readonly TargetSetting[] | undefined
  /** Further apps the target needs in Okta beside the main one. */
  companions?(input: RequirementsInput): CompanionApp[]
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
  /** The target's settings, validated and with defaults applied (required ones are present). */
  settings: TargetSettings
  /** Client ids of the target's companion apps by role (e.g. `{ cli: '0oa…' }`), when it has any. */
  companions: Readonly<Record<string, { clientId: string }>>
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

/** How the files were rendered, for next steps that depend on it. */
export interface NextStepsOptions {
  /** `--secret-ref env`: the files name secrets the environment must supply. */
  secretRef?: boolean | undefined
  /** The settings the files were rendered with (defaults applied). */
  settings?: TargetSettings | undefined
}

/** A target whose config files `render-config` can write. */
export interface RenderableTarget extends TargetModule {
  /** Formats it supports (`native` always). */
  formats: RenderFormat[]
  /** Why `--secret-ref env` is not supported, or undefined when it is. */
  secretRefUnsupported?: string | undefined
  /** A warning when the issuer's kind (org or custom authorization server) is a known trap for this target. */
  issuerWarning?(kind: 'org' | 'custom'): string | undefined
  /** Lines for the "next steps" on stderr after rendering (`secretRef`: the files hold references, not secrets). */
  nextSteps(format: RenderFormat, options?: NextStepsOptions): string[]
  /** Loads the renderer lazily (it pulls in yaml / xmldom, which --help and `targets` must not load). */
  loadRenderer(): Promise<TargetRenderer>
}

/** Whether a target can render config files. */
export function isRenderable(target: TargetModule): target is RenderableTarget {
  return typeof (target as Partial<RenderableTarget>).loadRenderer === 'function'
}
