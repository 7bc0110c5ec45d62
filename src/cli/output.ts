import { CliError, ErrorCode, ExitCode, InterruptedError } from '../domain/errors.js'
import { redact } from '../domain/redact.js'
import type { Io, TextSink } from '../infra/io.js'

/** How a command wants its output shaped. */
export interface OutputOptions {
  json: boolean
  debug: boolean
  /** --quiet: only results, warnings, errors and what the user must act on reach the terminal. */
  quiet?: boolean | undefined
}

/** The `--json` document of a failed run: `{"error":{"code","message","hint","exitCode"}}` (README: JSON errors). */
export interface JsonErrorDocument {
  error: { code: string; message: string; hint: string | null; exitCode: number }
}

/** A text painter: one color or style. */
export type Paint = (text: string) => string

/** The colors and styles output uses; identity functions when colors are off. */
export interface Colors {
  red: Paint
  green: Paint
  yellow: Paint
  blue: Paint
  magenta: Paint
  cyan: Paint
  gray: Paint
  dim: Paint
  bold: Paint
}

const PLAIN: Colors = {
  red: String,
  green: String,
  yellow: String,
  blue: String,
  magenta: String,
  cyan: String,
  gray: String,
  dim: String,
  bold: String,
}

/** The mark of a check result: ✓ pass (green), ✗ fail (red), ! warn (yellow). */
export function checkMark(status: 'pass' | 'fail' | 'warn', colors: Colors): string {
  return status === 'pass' ? colors.green('✓') : status === 'fail' ? colors.red('✗') : colors.yellow('!')
}

/** The chalk constructor, loaded by main() only when some stream will show colors. */
export type ChalkConstructor = typeof import('chalk').Chalk

/** One step of a progress list: a spinner on a TTY, a plain line elsewhere. */
export interface Step {
  done(detail?: string): void
  fail(detail?: string): void
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

/** The color level for a stream: FORCE_COLOR, then NO_COLOR, then whether it is a TTY. */
export function colorLevel(stream: TextSink, env: Io['env']): 0 | 1 | 2 | 3 {
  const force = env.FORCE_COLOR
  if (force !== undefined && force !== '') {
    if (force === '0' || force === 'false') {
      return 0
    }
    const n = Number(force)
    return n >= 1 && n <= 3 ? (n as 1 | 2 | 3) : 1
  }
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') {
    return 0
  }
  if (!stream.isTTY || env.TERM === 'dumb') {
    return 0
  }
  return 1
}

/**
 * All terminal output goes through here: results on stdout, everything for people on stderr, colors only where the
 * stream is a TTY (NO_COLOR and FORCE_COLOR honoured), secrets redacted from debug output.
 */
export class Output {
  readonly color: Colors
  private readonly outColor: Colors
  private readonly secrets = new Set<string>()
  private readonly spinnerOn: boolean
  private jsonWritten = false
  private leftBehind = 'nothing was changed'

  constructor(
    private readonly io: Io,
    readonly options: OutputOptions,
    chalk?: ChalkConstructor,
  ) {
    const paint = (level: 0 | 1 | 2 | 3): Colors => (chalk && level > 0 ? new chalk({ level }) : PLAIN)
    this.color = paint(colorLevel(io.stderr, io.env))
    this.outColor = paint(options.json ? 0 : colorLevel(io.stdout, io.env))
    this.spinnerOn = Boolean(io.stderr.isTTY) && !options.json && !options.debug && !options.quiet && io.env.CI === undefined
  }

  /** Colors for text written to stdout. */
  get stdoutColor(): Colors {
    return this.outColor
  }

  /** Registers a secret value that must never appear in output. */
  registerSecret(value: string | undefined): void {
    if (value !== undefined && value.length >= 4) {
      this.secrets.add(value)
    }
  }

  /** Writes a result line to stdout (ignored in --json mode, where `json()` is the only output). */
  result(text: string): void {
    if (!this.options.json) {
      this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
    }
  }

  /** Writes raw data to stdout, e.g. a token: the one place a secret may be printed, on the user's request. */
  data(text: string): void {
    this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  }

  /** Writes the single JSON document of a --json run. */
  json(value: unknown): void {
    this.jsonWritten = true
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
  }

  /**
   * Prints rows as a table: aligned columns under a header on a terminal, tab-separated rows without a header when
   * stdout is piped (so `cut -f` and `while read` work). Ignored in --json mode.
   */
  table(header: string[], rows: string[][]): void {
    if (this.options.json) {
      return
    }
    if (!this.io.stdout.isTTY) {
      for (const row of rows) {
        this.io.stdout.write(`${row.join('\t')}\n`)
      }
      return
    }
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
    const line = (cells: string[]): string =>
      cells
        .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd()
    this.io.stdout.write(`${this.outColor.bold(line(header))}\n`)
    for (const row of rows) {
      this.io.stdout.write(`${line(row)}\n`)
    }
  }

  /** Progress and explanations for people, on stderr (silenced by --quiet). */
  info(message: string): void {
    if (!this.options.quiet) {
      this.notice(message)
    }
  }

  /** A line the user must see even with --quiet (a URL to open, a code to enter), on stderr. */
  notice(message: string): void {
    this.io.stderr.write(`${this.scrub(message)}\n`)
  }

  /**
   * Records what an interruption at this point leaves behind ("the app is created, no file was written"); main()
   * prints it when the user presses Ctrl-C.
   */
  setInterruptAccount(text: string): void {
    this.leftBehind = text
  }

  /** What an interruption now leaves behind, in the command's own words. */
  interruptAccount(): string {
    return this.leftBehind
  }

  success(message: string): void {
    this.info(`${this.color.green('✓')} ${message}`)
  }

  warn(message: string): void {
    this.notice(`${this.color.yellow('warning:')} ${message}`)
  }

  hint(message: string): void {
    this.info(`${this.color.dim('hint:')} ${message}`)
  }

  /** Debug trace on stderr, only with --debug; always redacted. */
  debug(message: string): void {
    if (this.options.debug) {
      this.io.stderr.write(`${this.color.dim(`debug: ${this.scrub(message)}`)}\n`)
    }
  }

  /** Starts a progress step: a spinner on a TTY, a plain line on completion otherwise. */
  step(label: string): Step {
    const start = Date.now()
    let frame = 0
    const timer = this.spinnerOn
      ? setInterval(() => {
          this.io.stderr.write(`\r${this.color.cyan(SPINNER[frame++ % SPINNER.length] ?? '')} ${label}`)
        }, 80)
      : undefined
    timer?.unref()
    const finish = (mark: string, detail?: string): void => {
      if (timer) {
        clearInterval(timer)
        this.io.stderr.write('\r\x1b[2K')
      }
      const ms = Date.now() - start
      const tail = detail ? ` ${this.color.dim(detail)}` : this.options.debug ? this.color.dim(` (${ms} ms)`) : ''
      this.info(`${mark} ${label}${tail}`)
    }
    return {
      done: (detail) => finish(this.color.green('✓'), detail),
      fail: (detail) => finish(this.color.red('✗'), detail),
    }
  }

  /**
   * Prints an error the way every command does (`error:` and `hint:` on stderr; with --json also the error document
   * on stdout, unless the command already printed its one document) and returns its exit code.
   */
  error(error: unknown): number {
    if (error instanceof InterruptedError) {
      const message = error.generic ? `interrupted; ${this.leftBehind}` : error.message
      this.notice(message)
      this.jsonError(ErrorCode.interrupted, message, undefined, ExitCode.interrupted)
      return ExitCode.interrupted
    }
    if (error instanceof CliError) {
      this.notice(`${this.color.red('error:')} ${error.message}`)
      if (error.hint) {
        this.notice(`${this.color.dim('hint:')} ${error.hint}`)
      }
      if (this.options.debug && error.cause !== undefined) {
        this.debug(`caused by: ${stackOf(error.cause)}`)
      }
      this.jsonError(error.code, error.message, error.hint, error.exitCode)
      return error.exitCode
    }
    const message = error instanceof Error ? error.message : String(error)
    this.notice(`${this.color.red('error:')} ${message}`)
    this.notice('this is a bug in oidc-setup, please report it')
    const hint = 'run again with --debug to see the stack trace'
    if (this.options.debug) {
      this.debug(stackOf(error))
    } else {
      this.notice(`${this.color.dim('hint:')} ${hint}`)
    }
    this.jsonError(ErrorCode.internal, message, hint, ExitCode.internal)
    return ExitCode.internal
  }

  /** The error document of a --json run (once; never after the command's own document). */
  jsonError(code: string, message: string, hint: string | undefined, exitCode: number): void {
    if (!this.options.json || this.jsonWritten) {
      return
    }
    const doc: JsonErrorDocument = { error: { code, message: this.scrub(message), hint: hint === undefined ? null : this.scrub(hint), exitCode } }
    this.json(doc)
  }

  private scrub(text: string): string {
    return redact(text, this.secrets)
  }
}

function stackOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error)
}
