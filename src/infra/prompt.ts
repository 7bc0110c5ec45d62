/** Interactive questions; used only when stdin and stdout are TTYs and --yes is not given. */
export interface Prompt {
  input(message: string, options?: { default?: string; validate?: (value: string) => string | true }): Promise<string>
  password(message: string): Promise<string>
  confirm(message: string, defaultValue?: boolean): Promise<boolean>
  select<T extends string>(message: string, choices: Array<{ value: T; name?: string; description?: string }>): Promise<T>
}

/** Prompts through @inquirer/prompts, loaded on first use. Prompts render on stderr so stdout stays data. */
export const inquirerPrompt: Prompt = {
  async input(message, options = {}) {
    const { input } = await import('@inquirer/prompts')
    return input(
      {
        message,
        ...(options.default === undefined ? {} : { default: options.default }),
        ...(options.validate === undefined ? {} : { validate: options.validate }),
      },
      { output: process.stderr },
    )
  },
  async password(message) {
    const { password } = await import('@inquirer/prompts')
    return password({ message, mask: '*' }, { output: process.stderr })
  },
  async confirm(message, defaultValue = false) {
    const { confirm } = await import('@inquirer/prompts')
    return confirm({ message, default: defaultValue }, { output: process.stderr })
  },
  async select(message, choices) {
    const { select } = await import('@inquirer/prompts')
    return select({ message, choices }, { output: process.stderr })
  },
}
