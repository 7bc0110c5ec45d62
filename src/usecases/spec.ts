import path from 'node:path'
import { UsageError } from '../domain/errors.js'
import { validateSpec, type Spec, type TargetCatalog } from '../domain/spec.js'
import type { FileSystem } from '../infra/fs.js'
import { parseSpecYaml } from '../infra/spec-yaml.js'
import { findTarget, targets } from '../targets/index.js'
import { resolveSettings } from '../targets/settings.js'

/** What loadSpec reads. */
export interface LoadSpecDeps {
  fs: FileSystem
  cwd: string
}

/** The targets registry as the spec validator sees it. */
export const targetCatalog: TargetCatalog = {
  resolve: (name) => findTarget(name)?.name,
  names: () => targets.map((t) => t.name),
  setting(name, key, value, source) {
    const target = findTarget(name)
    if (!target) {
      throw new UsageError(`unknown target "${name}" (${source})`)
    }
    return resolveSettings(target, [{ source, values: { [key]: value } }])[key] as string | string[] | boolean
  },
}

/**
 * Parses and validates spec text (see validateSpec); `file` names it in errors and anchors relative `render.out`
 * directories (resolved against the file's directory).
 */
export function parseSpec(text: string, file: string, cwd = '.'): Spec {
  const spec = validateSpec(parseSpecYaml(text, file), file, targetCatalog)
  const dir = path.dirname(path.resolve(cwd, file))
  const anchor = <T extends { render?: { out: string } | undefined }>(o: T): void => {
    if (o.render) {
      o.render.out = path.resolve(dir, o.render.out)
    }
  }
  spec.apps.forEach(anchor)
  for (const env of Object.values(spec.environments)) {
    Object.values(env.apps).forEach(anchor)
  }
  return spec
}

/** Reads and validates a spec file; a missing file is a UsageError (exit 2). */
export async function loadSpec(file: string, deps: LoadSpecDeps): Promise<Spec> {
  const full = path.resolve(deps.cwd, file)
  const text = await deps.fs.readText(full)
  if (text === undefined) {
    throw new UsageError(`no spec file ${file}`, { hint: 'pass -f FILE (default: oidc-setup.yaml in the current directory)' })
  }
  return parseSpec(text, file, deps.cwd)
}
