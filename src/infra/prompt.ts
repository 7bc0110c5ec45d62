import { InterruptedError } from '../domain/errors.js'

/** Interactive questions; used only when stdin and stdout are TTYs and --yes is not given. */
export interface Prompt {
  /** Asks for a line of text; `validate` returning a message re-asks (the message is shown) until it passes. */
  input(message: string, options?: { default?: string; validate?: (value: string) => string | true }): Promise<string>
  password(message: string): Promise<string>
  confirm(message: string, defaultValue?: boolean): Promise<boolean>
  select<T extends string>(message: string, choices: Array<{ value: T; name?: string; description?: string }>): Promise<T>
  /** Several choices at once (none is fine); resolves to the chosen values. */
  checkbox<T extends string>(message: string, choices: Array<{ value: T; name?: string; checked?: boolean }>): Promise<T[]>
}

/**
 * Ctrl-C inside an @inquirer prompt rejects with its ExitPromptError ("User force closed the prompt"): that is the
 * user interrupting, not a bug, so it becomes the InterruptedError main() reports with exit 130.
 */
async function interruptible<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask()
  } catch (error) {
    if (error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError')) {
      throw new InterruptedError()
    }
    throw error
  }
}

/** Prompts through @inquirer/prompts, loaded on first use. Prompts render on stderr so stdout stays data. */
export const inquirerPrompt: Prompt = {
  async input(message, options = {}) {
    const { input } = await import('@inquirer/prompts')
    return interruptible(() =>
      input(
        {
          message,
          ...(options.default === undefined ? {} : { default: options.default }),
          ...(options.validate === undefined ? {} : { validate: options.validate }),
        },
        { output: process.stderr },
      ),
    )
  },
  async password(message) {
    const { password } = await import('@inquirer/prompts')
    return interruptible(() => password({ message, mask: '*' }, { output: process.stderr }))
  },
  async confirm(message, defaultValue = false) {
    const { confirm } = await import('@inquirer/prompts')
    return interruptible(() => confirm({ message, default: defaultValue }, { output: process.stderr }))
  },
  async select(message, choices) {
    const { select } = await import('@inquirer/prompts')
    return interruptible(() => select({ message, choices }, { output: process.stderr }))
  },
  async checkbox(message, choices) {
    const { checkbox } = await import('@inquirer/prompts')
    return interruptible(() => checkbox({ message, choices }, { output: process.stderr }))
  },
}
