import { spawnSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
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
