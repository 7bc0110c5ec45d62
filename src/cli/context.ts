import type { Command } from 'commander'
import type { Deps } from '../deps.js'
import { UsageError } from '../domain/errors.js'
import type { SecretStoreKind } from '../infra/secret-store.js'
import type { Output } from './output.js'

/** The global flags every command accepts. */
export interface GlobalOptions {
  json: boolean
  debug: boolean
  quiet: boolean
  profile: string
  yes: boolean
  secretStore?: SecretStoreKind | undefined
}

/** What a command action gets: its dependencies, the output, the global flags. */
export interface ActionContext {
  deps: Deps
  out: Output
  globals: GlobalOptions
  /** True when prompts are allowed: stdin and stdout are TTYs, --yes and --json are off, not in CI. */
  interactive: boolean
  /** Whether the --profile flag (or OIDC_SETUP_PROFILE) was given explicitly. */
  profileExplicit: boolean
}

/** Shared by every command module: builds the ActionContext for an action. */
export interface CommandContext {
  context(cmd: Command): ActionContext
}

/** A command module registers its commands on the program. */
export type RegisterCommand = (program: Command, ctx: CommandContext) => void

/** Reads the global options of a command (they are defined on the root program). */
export function readGlobals(cmd: Command, env: Deps['io']['env']): { globals: GlobalOptions; profileExplicit: boolean } {
  const all = cmd.optsWithGlobals<Record<string, unknown>>()
  const store = all.secretStore as string | undefined
  if (store !== undefined && store !== 'keychain' && store !== 'file') {
    throw new UsageError(`--secret-store must be "keychain" or "file", not "${store}"`)
  }
  const profileFromFlag = cmd.getOptionValueSourceWithGlobals('profile') === 'cli'
  const profile = (profileFromFlag ? (all.profile as string) : env.OIDC_SETUP_PROFILE) ?? 'default'
  return {
    globals: {
      json: Boolean(all.json),
      debug: Boolean(all.debug) || env.OIDC_SETUP_DEBUG === '1',
      quiet: Boolean(all.quiet),
      profile,
      yes: Boolean(all.yes),
      secretStore: store as SecretStoreKind | undefined,
    },
    profileExplicit: profileFromFlag || env.OIDC_SETUP_PROFILE !== undefined,
  }
}

/** Adds an "Examples:" block to a command's help. */
export function withExamples(cmd: Command, examples: string[]): Command {
  return cmd.addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`)
}
