import { ConfigError } from '../domain/errors.js'

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * Checks a value before any serializer sees it: NUL and lone UTF-16 surrogates cannot be stored in any config
 * file (and cannot be encoded as UTF-8), so they are refused with a ConfigError naming the value.
 */
export function checkValue(name: string, value: string): string {
  if (value.includes('\0')) {
    throw new ConfigError(`could not render ${name}: it contains a NUL character`)
  }
  if (LONE_SURROGATE.test(value)) {
    throw new ConfigError(`could not render ${name}: it contains an unpaired UTF-16 surrogate`)
  }
  return value
}

const YAML11_SPECIAL = /^(?:y|yes|n|no|on|off|true|false|null|nan|inf)$/i

/**
 * Whether a string can be written bare (unquoted) in YAML 1.1 and 1.2, in a YAML flow sequence and in an env file
 * alike: starts with a letter, then only letters, digits and `. _ / : @ + -`, and is not a YAML 1.1 boolean or null
 * word, and does not end in `:` (a mapping indicator). URLs and client ids are; anything else gets quoted by the serializer.
 */
export function isSafePlain(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9._/:@+-]*$/.test(value) && !YAML11_SPECIAL.test(value) && !value.endsWith(':')
}

// SnakeYAML (YAML 1.1: Kestra's Micronaut, OpenMetadata's Dropwizard) rejects C1 controls and reads NEL, LINE and
// PARAGRAPH SEPARATOR inside quotes as line breaks, which the yaml serializer leaves unescaped.
const YAML_UNSAFE = /[\u007F-\u009F\u2028\u2029\uFFFE\uFFFF]/

/** Checks a value for YAML: refuses what a YAML 1.1 reader would reject or read back differently. */
export function checkYamlValue(name: string, value: string): string {
  checkValue(name, value)
  if (YAML_UNSAFE.test(value)) {
    throw new ConfigError(`could not render ${name}: it contains a control or line-separator character YAML readers disagree on`)
  }
  return value
}
