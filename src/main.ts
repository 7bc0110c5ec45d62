import { CommanderError } from 'commander'
import { colorLevel, Output, type ChalkConstructor } from './cli/output.js'
import { buildProgram } from './cli/program.js'
import { createDeps, rememberedStoreKind, type Deps } from './deps.js'
import { ErrorCode, ExitCode, InterruptedError } from './domain/errors.js'

/** How long an interrupted command may take to finish on its own before main() reports exit 130. */
const INTERRUPT_GRACE_MS = 1000

/**
 * Runs the CLI and returns its exit code; the only place that maps outcomes to exit codes. `bin/` exits with it.
 */
export async function main(argv: string[], overrides: Partial<Deps> = {}): Promise<number> {
  const controller = new AbortController()
  const onSignal = (): void => controller.abort(new InterruptedError())
  const ownSignals = overrides.interrupt === undefined
  if (ownSignals) {
    // `on`, not `once`: proper-lockfile's signal-exit re-raises a signal as soon as it is the only listener left,
    // which would kill a login that holds its lock before it says what the interruption left behind.
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  }
  const deps = createDeps({ interrupt: controller.signal, ...overrides })
  // chalk is loaded only when a stream shows colors: scripts and pipes never pay for it.
  let chalk: ChalkConstructor | undefined
  if (colorLevel(deps.io.stderr, deps.io.env) > 0 || colorLevel(deps.io.stdout, deps.io.env) > 0) {
    chalk = (await import('chalk')).Chalk
  }
  // --json, --debug and --quiet shape error output too, so they are read before commander parses anything (and
  // only before a `--`, after which they are someone else's arguments).
  const own = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv
  const out = new Output(
    deps.io,
    {
      json: own.includes('--json'),
      debug: own.includes('--debug') || deps.io.env.OIDC_SETUP_DEBUG === '1',
      quiet: own.includes('--quiet') || own.includes('-q'),
    },
    chalk,
  )
  // Whoever stores a secret in the opt-in file store is told, once, that it is not encrypted: by the command that
  // chooses it for the config home (later ones find the choice in settings.json, and `status`/`profiles show` name
  // the store), so a run of commands says it once.
  const openStore = deps.secretStore
  let warned = false
  deps.secretStore = async (request) => {
    const told = warned || !request?.probe || (await rememberedStoreKind(deps.fs, deps.configHome)) === 'file'
    const store = await openStore(request)
    if (store.kind === 'file' && !told) {
      warned = true
      out.warn(`secrets are kept in the ${store.describe()} (0600, not encrypted); the OS keychain is the default`)
    }
    return store
  }
  try {
    const program = buildProgram(deps, out)
    if (argv.length === 0) {
      program.outputHelp({ error: true })
      return ExitCode.usage
    }
    const interrupted = new Promise<never>((_resolve, reject) => {
      // A command whose normal end is Ctrl-C (`sandbox start`) gets a moment to shut down cleanly and exit 0.
      const grace = (): void => void setTimeout(() => reject(new InterruptedError()), INTERRUPT_GRACE_MS)
      deps.interrupt.addEventListener('abort', grace, { once: true })
    })
    await Promise.race([program.parseAsync(argv, { from: 'user' }), interrupted])
    return ExitCode.ok
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" to commander; everything else it reports is a usage error it printed on
      // stderr already, so --json adds only the document.
      if (error.exitCode === 0) {
        return ExitCode.ok
      }
      out.jsonError(ErrorCode.usage, error.message.replace(/^error: /, ''), 'run with --help for usage', ExitCode.usage)
      return ExitCode.usage
    }
    // An InterruptedError prints the command's own account of what it left behind (e.g. "nothing was stored").
    return out.error(error)
  } finally {
    if (ownSignals) {
      process.removeListener('SIGINT', onSignal)
      process.removeListener('SIGTERM', onSignal)
    }
  }
}
