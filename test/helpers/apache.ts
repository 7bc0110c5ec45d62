import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { tempDir } from './cli.js'

const MODULES = '/usr/lib/apache2/modules'

/** Whether Apache httpd and mod_auth_openidc are installed (Debian apache2 + libapache2-mod-auth-openidc). */
export const hasApache =
  spawnSync('apache2', ['-v']).status === 0 && existsSync(path.join(MODULES, 'mod_auth_openidc.so'))

/**
 * Runs `apache2 -t` (what apache2ctl configtest runs) on a minimal server config that loads mod_auth_openidc and
 * the authz modules `Require` needs, and Includes `conf` as oidc.conf.
 */
export function apacheConfigTest(conf: string): { status: number | null; stderr: string } {
  const dir = tempDir('oidc-setup-apache-')
  writeFileSync(path.join(dir, 'oidc.conf'), conf)
  const modules = ['mpm_event', 'authn_core', 'authz_core', 'authz_user', 'auth_openidc']
  writeFileSync(
    path.join(dir, 'httpd.conf'),
    [
      `ServerRoot "${dir}"`,
      ...modules.map((m) => `LoadModule ${m}_module ${MODULES}/mod_${m}.so`),
      // configtest does not bind: any valid port will do.
      'Listen 127.0.0.1:18998',
      `PidFile "${dir}/httpd.pid"`,
      `ErrorLog "${dir}/error.log"`,
      'ServerName localhost',
      `Include "${dir}/oidc.conf"`,
      '',
    ].join('\n'),
  )
  const result = spawnSync('apache2', ['-t', '-f', path.join(dir, 'httpd.conf')], { encoding: 'utf8' })
  return { status: result.status, stderr: `${result.stdout}${result.stderr}` }
}

/** A running Apache httpd started by a test (one process, `-X`, on a loopback port). */
export interface RunningApache {
  origin: string
  dir: string
  /** The error log so far (mod_auth_openidc writes why it refused a sign-in here). */
  errorLog(): string
  stop(): Promise<void>
}

/**
 * Starts the real Apache httpd in the foreground (`apache2 -X`: one process, no detaching) on 127.0.0.1:`port` with
 * a minimal server config that Includes `conf` as oidc.conf and serves `pages` (name → SSI text, so a page can
 * echo what mod_auth_openidc put in the environment, e.g. `<!--#echo var="OIDC_CLAIM_email" -->`), with only PATH
 * and `env` in its environment. Resolves once the port answers.
 */
export async function startApache(
  conf: string,
  port: number,
  pages: Record<string, string>,
  env: Record<string, string> = {},
): Promise<RunningApache> {
  const dir = tempDir('oidc-setup-apache-run-')
  // Started as root, httpd serves as `User` (mod_unixd): the files must be readable by it.
  chmodSync(dir, 0o755)
  const docs = path.join(dir, 'htdocs')
  mkdirSync(docs, { mode: 0o755 })
  for (const [name, text] of Object.entries(pages)) {
    writeFileSync(path.join(docs, name), text, { mode: 0o644 })
  }
  writeFileSync(path.join(dir, 'oidc.conf'), conf, { mode: 0o644 })
  const modules = ['mpm_prefork', 'authn_core', 'authz_core', 'authz_user', 'include', 'auth_openidc']
  writeFileSync(
    path.join(dir, 'httpd.conf'),
    [
      `ServerRoot "${dir}"`,
      `DefaultRuntimeDir "${dir}"`,
      ...modules.map((m) => `LoadModule ${m}_module ${MODULES}/mod_${m}.so`),
      ...(process.getuid?.() === 0 ? ['User nobody', 'Group nogroup'] : []),
      `Listen 127.0.0.1:${port}`,
      `PidFile "${dir}/httpd.pid"`,
      `ErrorLog "${dir}/error.log"`,
      'LogLevel warn auth_openidc:info',
      'ServerName 127.0.0.1',
      `DocumentRoot "${docs}"`,
      `<Directory "${docs}">`,
      '    Options +Includes',
      // SSI on every page, as HTML (mod_include; no mod_mime needed).
      '    SetOutputFilter INCLUDES',
      '    ForceType text/html',
      '</Directory>',
      `Include "${dir}/oidc.conf"`,
      '',
    ].join('\n'),
  )
  // `env`: what httpd's ${NAME} references read (ap_resolve_env), as /etc/apache2/envvars would export them.
  const child = spawn('apache2', ['-X', '-f', path.join(dir, 'httpd.conf')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...env },
  })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const errorLog = (): string => {
    try {
      return readFileSync(path.join(dir, 'error.log'), 'utf8')
    } catch {
      return ''
    }
  }
  const origin = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`apache2 exited ${child.exitCode}: ${output}${errorLog()}`)
    }
    const up = await fetch(`${origin}/`, { redirect: 'manual' }).then(() => true, () => false)
    if (up) {
      break
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`apache2 did not answer on ${origin}: ${output}${errorLog()}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    origin,
    dir,
    errorLog,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await exited
      }
    },
  }
}
