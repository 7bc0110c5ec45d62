import { constants, promises as fsp, readFileSync } from 'node:fs'
import path from 'node:path'

/** The filesystem operations oidc-setup performs; every write is atomic. */
export interface FileSystem {
  /** Returns the file's text, or undefined when it does not exist. Other failures throw. */
  readText(file: string): Promise<string | undefined>
  /**
   * Writes text atomically (temp file in the same directory, fsync, rename), creating parent directories with
   * `dirMode`. The file gets `mode` (0600 for anything holding a secret).
   */
  writeTextAtomic(file: string, text: string, options?: { mode?: number; dirMode?: number }): Promise<void>
  /** Copies a file (used for `.bak` copies before --force). */
  copy(from: string, to: string, mode?: number): Promise<void>
  /** Deletes a file; a missing file is not an error. */
  remove(file: string): Promise<void>
  /** Creates a directory (and parents) with the given mode. */
  mkdirp(dir: string, mode?: number): Promise<void>
  /** Lists the entries of a directory; a missing directory gives []. */
  list(dir: string): Promise<string[]>
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
}

/**
 * `mkdir -p` one level at a time. Not `fs.mkdir({ recursive: true })`: under /proc (and other pseudo filesystems)
 * Node's recursive mkdir retries ENOENT forever at full CPU (`render-config --out /proc/nope` spun for minutes).
 * Each level is created once; any failure but "already exists as a directory" is thrown.
 */
async function makeDirs(dir: string, mode: number): Promise<void> {
  try {
    await fsp.mkdir(dir, { mode })
    return
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') {
      if ((await fsp.stat(dir)).isDirectory()) {
        return
      }
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), { code: 'ENOTDIR', path: dir })
    }
    const parent = path.dirname(dir)
    if (code !== 'ENOENT' || parent === dir) {
      throw error
    }
  }
  await makeDirs(path.dirname(dir), mode)
  try {
    await fsp.mkdir(dir, { mode })
  } catch (error) {
    // Someone else created it between the two calls: fine when it is a directory.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !(await fsp.stat(dir)).isDirectory()) {
      throw error
    }
  }
}

/** The real filesystem. */
export const nodeFileSystem: FileSystem = {
  async readText(file) {
    try {
      // Synchronous on purpose: the files are small, and fs/promises' FileHandle path costs milliseconds at start.
      return readFileSync(file, 'utf8')
    } catch (error) {
      if (isNotFound(error)) {
        return undefined
      }
      throw error
    }
  },

  async writeTextAtomic(file, text, options = {}) {
    const dir = path.dirname(file)
    await makeDirs(dir, options.dirMode ?? 0o700)
    // A unique name (O_EXCL refuses a clash); not node:crypto, which costs milliseconds at every start.
    const unique = `${process.pid}.${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 10)}`
    const tmp = path.join(dir, `.${path.basename(file)}.${unique}.tmp`)
    const mode = options.mode ?? 0o644
    const handle = await fsp.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode)
    try {
      await handle.writeFile(text, 'utf8')
      await handle.chmod(mode)
      await handle.sync()
    } catch (error) {
      await handle.close()
      await fsp.rm(tmp, { force: true })
      throw error
    }
    await handle.close()
    try {
      await fsp.rename(tmp, file)
    } catch (error) {
      await fsp.rm(tmp, { force: true })
      throw error
    }
  },

  async copy(from, to, mode) {
    await fsp.copyFile(from, to)
    if (mode !== undefined) {
      await fsp.chmod(to, mode)
    }
  },

  async remove(file) {
    await fsp.rm(file, { force: true })
  },

  async mkdirp(dir, mode = 0o700) {
    await makeDirs(dir, mode)
  },

  async list(dir) {
    try {
      return await fsp.readdir(dir)
    } catch (error) {
      if (isNotFound(error)) {
        return []
      }
      throw error
    }
  },
}
