import path from 'node:path'
import { ConfigError, UsageError } from '../domain/errors.js'
import { isValidProfileName, type Profile } from '../domain/profile.js'
import type { FileSystem } from './fs.js'

/** Reads and writes profiles as `<config home>/profiles/<name>.json` (0600, directory 0700). */
export interface ProfileStore {
  /** Returns the profile, or undefined when it does not exist. A corrupt file is a ConfigError. */
  get(name: string): Promise<Profile | undefined>
  /** Writes the whole profile atomically. */
  put(profile: Profile): Promise<void>
  /** Merges fields into a profile, creating it when absent, and returns the result. */
  update(name: string, fields: Partial<Profile>): Promise<Profile>
  /** Lists all profiles, sorted by name. */
  list(): Promise<Profile[]>
  /** Removes a profile file; a missing one is not an error. */
  remove(name: string): Promise<void>
  /** Where a profile lives (for messages). */
  pathOf(name: string): string
}

/** Profiles as JSON files in the config home. */
export class FileProfileStore implements ProfileStore {
  private readonly dir: string

  constructor(
    private readonly fs: FileSystem,
    home: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.dir = path.join(home, 'profiles')
  }

  pathOf(name: string): string {
    if (!isValidProfileName(name)) {
      throw new UsageError(`invalid profile name "${name}"`, {
        hint: 'use letters, digits, ".", "_" and "-" (at most 64 characters)',
      })
    }
    return path.join(this.dir, `${name}.json`)
  }

  async get(name: string): Promise<Profile | undefined> {
    const file = this.pathOf(name)
    const text = await this.fs.readText(file)
    if (text === undefined) {
      return undefined
    }
    try {
      const parsed = JSON.parse(text) as Profile
      return { ...parsed, name }
    } catch (cause) {
      throw new ConfigError(`could not read profile "${name}": ${file} is not valid JSON`, {
        hint: `fix or delete ${file}`,
        cause,
      })
    }
  }

  async put(profile: Profile): Promise<void> {
    const file = this.pathOf(profile.name)
    const body = { ...profile, updatedAt: this.now().toISOString() }
    await this.fs.writeTextAtomic(file, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, dirMode: 0o700 })
  }

  async update(name: string, fields: Partial<Profile>): Promise<Profile> {
    const current = (await this.get(name)) ?? { name }
    const next: Profile = { ...current, ...stripUndefined(fields), name }
    await this.put(next)
    return next
  }

  async list(): Promise<Profile[]> {
    const names = (await this.fs.list(this.dir))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length))
      .filter(isValidProfileName)
      .sort()
    const profiles: Profile[] = []
    for (const name of names) {
      const profile = await this.get(name)
      if (profile) {
        profiles.push(profile)
      }
    }
    return profiles
  }

  async remove(name: string): Promise<void> {
    await this.fs.remove(this.pathOf(name))
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
