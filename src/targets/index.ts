import { UsageError } from '../domain/errors.js'
import { apache } from './apache.js'
import { authjs } from './authjs.js'
import { argocd } from './argocd.js'
import { backstage } from './backstage.js'
import { galaxy } from './galaxy.js'
import { grafana } from './grafana.js'
import { gitlab } from './gitlab.js'
import { harbor } from './harbor.js'
import { jenkins } from './jenkins.js'
import { kestra } from './kestra.js'
import { kubernetes } from './kubernetes.js'
import { minio } from './minio.js'
import { oauth2Proxy } from './oauth2-proxy.js'
import { openmetadata } from './openmetadata.js'
import { pomerium } from './pomerium.js'
import { presetTargets } from './presets.js'
import { vault } from './vault.js'
import { isRenderable, type RenderableTarget, type TargetModule } from './types.js'

/**
 * Every target oidc-setup knows, in the order `oidc-setup targets` lists them. Adding a target (or a preset such
 * as `cli` or `spa`) is one import and one entry here.
 */
export const targets: readonly TargetModule[] = [
  galaxy,
  pomerium,
  kestra,
  openmetadata,
  apache,
  authjs,
  oauth2Proxy,
  grafana,
  vault,
  argocd,
  kubernetes,
  // Application targets (issue 14).
  gitlab,
  harbor,
  minio,
  jenkins,
  backstage,
  ...presetTargets,
]

/** Finds a target by name or alias (case-insensitive), or undefined. */
export function findTarget(name: string): TargetModule | undefined {
  const wanted = name.trim().toLowerCase()
  return targets.find((t) => t.name === wanted || t.aliases.includes(wanted))
}

/** Names (with aliases) for messages, e.g. `galaxy, pomerium, kestra, openmetadata (collate)`. */
export function targetNames(filter: (t: TargetModule) => boolean = () => true): string {
  return targets
    .filter(filter)
    .map((t) => (t.aliases.length > 0 ? `${t.name} (${t.aliases.join(', ')})` : t.name))
    .join(', ')
}

/** Finds a target or throws a UsageError listing the known ones; `source` names the flag (e.g. `--target`). */
export function requireTarget(name: string, source = '--target'): TargetModule {
  const target = findTarget(name)
  if (!target) {
    throw new UsageError(`unknown target "${name}" in ${source}`, {
      hint: `known targets: ${targetNames()} (oidc-setup targets lists what each needs)`,
    })
  }
  return target
}

/** Like requireTarget, but the target must be able to render config files. */
export function requireRenderableTarget(name: string, source = '--target'): RenderableTarget {
  const target = requireTarget(name, source)
  if (!isRenderable(target)) {
    throw new UsageError(`target "${target.name}" has no config files to render`, {
      hint: `render-config supports: ${targetNames(isRenderable)}`,
    })
  }
  return target
}
