import path from 'node:path'
import { ConfigError, UsageError } from '../domain/errors.js'
import type { FileSystem } from '../infra/fs.js'
import type { Io } from '../infra/io.js'

/** Where a secret may come from on the command line: never its value, only where to find it. */
export interface SecretInputSpec {
  /** The name of an environment variable holding the secret (`--client-secret-env NAME`). */
  envName?: string | undefined
  /** A file holding the secret, or `-` for standard input (`--client-secret-file PATH`). */
  file?: string | undefined
}

/** How to name the secret and its flags in messages. */
export interface SecretInputLabels {
  /** e.g. "client secret" */
  what: string
  envFlag: string
  fileFlag: string
}

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** Removes the line break an editor or `echo` leaves at the end (secrets never end in one). */
function trimLineEnd(text: string): string {
  return text.replace(/(?:\r?\n)+$/, '')
}

/**
 * Reads a secret named by flags (an env var, a file, or `-` for stdin) so that the secret itself never appears in
 * argv. Returns undefined when neither flag was given. Both flags at once, or an invalid variable name, is a
 * UsageError; an unset variable, a missing, unreadable or empty file is a ConfigError naming the flag.
 */
export async function readSecretInput(
  spec: SecretInputSpec,
  deps: { io: Io; fs: Pick<FileSystem, 'readText'> },
  labels: SecretInputLabels = {
    what: 'client secret',
    envFlag: '--client-secret-env',
    fileFlag: '--client-secret-file',
  },
): Promise<string | undefined> {
  const { envName, file } = spec
  if (envName !== undefined && file !== undefined) {
    throw new UsageError(`pass either ${labels.envFlag} or ${labels.fileFlag}, not both`)
  }
  if (envName !== undefined) {
    if (!VAR_NAME.test(envName)) {
      throw new UsageError(`${labels.envFlag} takes the name of an environment variable, not "${envName.length > 40 ? `${envName.slice(0, 8)}…` : envName}"`, {
        hint: `export the ${labels.what} as a variable (e.g. OKTA_CLIENT_SECRET) and pass ${labels.envFlag} OKTA_CLIENT_SECRET`,
      })
    }
    const value = deps.io.env[envName]
    if (value === undefined || value === '') {
      throw new ConfigError(`could not read the ${labels.what}: environment variable ${envName} is not set (${labels.envFlag})`, {
        hint: `export ${envName}=… first, or pass ${labels.fileFlag} PATH`,
      })
    }
    return value
  }
  if (file === undefined) {
    return undefined
  }
  let text: string | undefined
  const where = file === '-' ? 'standard input' : file
  try {
    text = file === '-' ? await deps.io.readStdin() : await deps.fs.readText(path.resolve(deps.io.cwd, file))
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code
    const reason = code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (code ?? String(cause))
    throw new ConfigError(`could not read the ${labels.what} file ${where}: ${reason} (${labels.fileFlag})`, {
      hint: `check that ${where} is a readable file holding only the ${labels.what}`,
      cause,
    })
  }
  if (text === undefined) {
    throw new ConfigError(`could not read the ${labels.what} file ${where}: no such file (${labels.fileFlag})`, {
      hint: `check the path given to ${labels.fileFlag}, or pass - to read it from standard input`,
    })
  }
  const value = trimLineEnd(text)
  if (value === '') {
    throw new ConfigError(`could not read the ${labels.what}: ${where} is empty (${labels.fileFlag})`, {
      hint: `put the ${labels.what} in ${where}, or pass ${labels.envFlag} NAME`,
    })
  }
  return value
}
