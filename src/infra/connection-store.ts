import path from 'node:path'
import type { Connection } from '../domain/connection.js'
import { ConfigError, UsageError } from '../domain/errors.js'
import { isValidProfileName } from '../domain/profile.js'
import type { FileSystem } from './fs.js'

/** Reads and writes org connections as `<config home>/connections/<name>.json` (0600, directory 0700). */
export interface ConnectionStore {
  /** Returns the connection, or undefined when it does not exist. A corrupt file is a ConfigError. */
  get(name: string): Promise<Connection | undefined>
  /** Writes the whole connection atomically. */
  put(connection: Connection): Promise<void>
  /** Lists all connections, sorted by name. */
  list(): Promise<Connection[]>
  /** Removes a connection file; a missing one is not an error. */
  remove(name: string): Promise<void>
}

/** Connections as JSON files in the config home. */
export class FileConnectionStore implements ConnectionStore {
  private readonly dir: string

  constructor(
    private readonly fs: FileSystem,
    home: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.dir = path.join(home, 'connections')
  }

  private fileOf(name: string): string {
    // Connection names follow the profile-name rules: they become file names and secret-store keys.
    if (!isValidProfileName(name)) {
      throw new UsageError(`invalid connection name "${name}"`, {
        hint: 'use letters, digits, ".", "_" and "-" (at most 64 characters)',
      })
    }
    return path.join(this.dir, `${name}.json`)
  }

  async get(name: string): Promise<Connection | undefined> {
    const file = this.fileOf(name)
    const text = await this.fs.readText(file)
    if (text === undefined) {
      return undefined
    }
    let parsed: Partial<Connection>
    try {
      parsed = JSON.parse(text) as Partial<Connection>
    } catch (cause) {
      throw new ConfigError(`could not read connection "${name}": ${file} is not valid JSON`, { hint: `fix or delete ${file}`, cause })
    }
    if (typeof parsed.orgUrl !== 'string' || typeof parsed.management?.authMode !== 'string') {
      throw new ConfigError(`could not read connection "${name}": ${file} has no orgUrl or management`, {
        hint: `run \`oidc-setup okta configure --org ${name}\` again`,
      })
    }
    return { ...(parsed as Connection), name }
  }

  async put(connection: Connection): Promise<void> {
    const body = { ...connection, updatedAt: this.now().toISOString() }
    await this.fs.writeTextAtomic(this.fileOf(connection.name), `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, dirMode: 0o700 })
  }

  async list(): Promise<Connection[]> {
    const names = (await this.fs.list(this.dir))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length))
      .filter(isValidProfileName)
      .sort()
    const out: Connection[] = []
    for (const name of names) {
      const c = await this.get(name)
      if (c) {
        out.push(c)
      }
    }
    return out
  }

  async remove(name: string): Promise<void> {
    await this.fs.remove(this.fileOf(name))
  }
}
