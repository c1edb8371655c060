/**
 * @module The `concord` command line: dispatches to one file per command group.
 */
import { agreementCommand, agreementHelp } from './agreement'
import { UsageError, runCommand } from './command'
import { exportCommand, exportHelp } from './export'
import { importCommand, importHelp } from './import'
import { statusCommand, statusHelp } from './status'

const commands: Record<string, { run: (args: string[]) => Promise<void>; help: string }> = {
  status: { run: statusCommand, help: statusHelp },
  import: { run: importCommand, help: importHelp },
  agreement: { run: agreementCommand, help: agreementHelp },
  export: { run: exportCommand, help: exportHelp },
}

const usage = `Usage: concord <command> [flags]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(10)}${c.help.split('\n')[2] ?? ''}`)
  .join('\n')}

Every command takes --project NAME (default: default), --json and --help.
Database: DATABASE_URL (default file:./concord.db); migrations run before each command.`

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage)
    return name ? 0 : 2
  }
  const command = commands[name]
  if (!command) {
    return runCommand(async () => {
      throw new UsageError(`unknown command '${name}' (try --help)`)
    })
  }
  return runCommand(() => command.run(args))
}

// A closed pipe (`concord export labels | head`) is a normal end, not a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw error
})

process.exitCode = await main(process.argv.slice(2))
