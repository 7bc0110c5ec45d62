import path from 'node:path'
import { ConfigError, ErrorCode, UsageError } from '../domain/errors.js'
import { isValidProfileName, type Profile } from '../domain/profile.js'
import { checkProfile } from '../domain/profile-schema.js'
import type { FileSystem } from './fs.js'

/** Reads and writes profiles as `<config home>/profiles/<name>.json` (0600, directory 0700). */
export interface ProfileStore {
  /**
   * Returns the profile, or undefined when it does not exist. A file that is not valid JSON or not a valid profile
   * is a ConfigError (ERR_PROFILE_INVALID) naming the profile and every problem.
   */
  get(name: string): Promise<Profile | undefined>
  /** Writes the whole profile atomically. */
  put(profile: Profile): Promise<void>
  /** Merges fields into a profile, creating it when absent, and returns the result. */
  update(name: string, fields: Partial<Profile>): Promise<Profile>
  /** Lists the valid profiles, sorted by name; invalid ones are left out (scan() reports them). */
  list(): Promise<Profile[]>
  /** Every profile, sorted by name: the valid ones, and the invalid ones with their error (one bad file breaks nothing). */
  scan(): Promise<{ profiles: Profile[]; invalid: Array<{ name: string; error: ConfigError }> }>
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
    // The file holds this one profile and no secret, so removing it is a safe way out; `profiles remove` also
    // removes the profile's secrets, after asking.
    const hint = `fix ${file}, or remove the profile with \`oidc-setup profiles remove ${name}\``
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (cause) {
      throw new ConfigError(`could not read profile "${name}": ${file} is not valid JSON`, { hint, cause, code: ErrorCode.profileInvalid })
    }
    const checked = checkProfile(name, parsed)
    if (!checked.ok) {
      throw new ConfigError(`profile "${name}" is invalid: ${checked.problems.join('; ')} (${file})`, { hint, code: ErrorCode.profileInvalid })
    }
    return checked.profile
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
    return (await this.scan()).profiles
  }

  async scan(): Promise<{ profiles: Profile[]; invalid: Array<{ name: string; error: ConfigError }> }> {
    const names = (await this.fs.list(this.dir))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length))
      .filter(isValidProfileName)
      .sort()
    const profiles: Profile[] = []
    const invalid: Array<{ name: string; error: ConfigError }> = []
    for (const name of names) {
      try {
        const profile = await this.get(name)
        if (profile) {
          profiles.push(profile)
        }
      } catch (error) {
        if (!(error instanceof ConfigError)) {
          throw error
        }
        invalid.push({ name, error })
      }
    }
    return { profiles, invalid }
  }

  async remove(name: string): Promise<void> {
    await this.fs.remove(this.pathOf(name))
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
