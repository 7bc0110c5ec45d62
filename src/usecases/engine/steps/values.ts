import type { AppSpec } from '../../../domain/okta-model.js'
import type { FieldChange, PlanValue } from '../../../domain/plan.js'

/** The values an app is created with, as the plan shows them (never a secret: Okta makes it). */
export function appValues(spec: AppSpec): Record<string, PlanValue> {
  const values: Record<string, PlanValue> = {
    applicationType: spec.applicationType,
    grantTypes: spec.grantTypes,
    responseTypes: spec.responseTypes,
    redirectUris: spec.redirectUris,
    postLogoutRedirectUris: spec.postLogoutRedirectUris,
    tokenEndpointAuthMethod: spec.tokenEndpointAuthMethod,
    pkceRequired: spec.pkceRequired,
  }
  if (spec.refreshTokenRotation) {
    values.refreshTokenRotation = spec.refreshTokenRotation
  }
  if (spec.issuerMode) {
    values.issuerMode = spec.issuerMode
  }
  return values
}

/** A scalar change, or nothing when equal. */
export function scalar(field: string, from: PlanValue | undefined, to: PlanValue | undefined): FieldChange | undefined {
  if (to === undefined || from === to) {
    return undefined
  }
  return { field, from: from ?? null, to }
}

/** Drops the undefined entries of a list of optional changes. */
export function defined<T>(values: Array<T | undefined>): T[] {
  return values.filter((v): v is T => v !== undefined)
}

/** Values without duplicates, in first-seen order. */
export function unique(values: readonly string[]): string[] {
  return [...new Set(values)]
}
