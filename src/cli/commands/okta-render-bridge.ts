import { UsageError } from '../../domain/errors.js'
import type { ActionContext } from '../context.js'

/** Chains `okta create-app --render DIR` into render-config for the freshly written profile. */
export async function renderAfterCreate(_c: ActionContext, profile: string, target: string, dir: string): Promise<void> {
  throw new UsageError(`--render is not available yet`, {
    hint: `run: oidc-setup render-config --profile ${profile} --target ${target} --out ${dir}`,
  })
}
