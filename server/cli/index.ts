/**
 * @module The `concord` command line: dispatches to one file per command group.
 */
import { UsageError, runCommand } from './command'

type Command = { run: (args: string[]) => Promise<void>; help: string }

// Each command group loads on demand: start-up stays small whatever the CLI grows into.
const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  status: { summary: 'counts in the project', load: async () => {
    const m = await import('./status')
    return { run: m.statusCommand, help: m.statusHelp }
  } },
  import: { summary: 'commits, families and labels from files, git, GitHub, Hugging Face; a project archive', load: async () => {
    const m = await import('./import')
    return { run: m.importCommand, help: m.importHelp }
  } },
  family: { summary: 'families: list, add, rename, link, unlink, discover links', load: async () => {
    const m = await import('./family')
    return { run: m.familyCommand, help: m.familyHelp }
  } },
  agreement: { summary: 'inter-rater agreement on a CSV or the stored labels', load: async () => {
    const m = await import('./agreement')
    return { run: m.agreementCommand, help: m.agreementHelp }
  } },
  codebook: { summary: 'the codebook: list, export, import, rename, merge, split, retire', load: async () => {
    const m = await import('./codebook')
    return { run: m.codebookCommand, help: m.codebookHelp }
  } },
  label: { summary: 'pre-label commits with the rules, classifier or LLM labeler', load: async () => {
    const m = await import('./label')
    return { run: m.labelCommand, help: m.labelHelp }
  } },
  evaluate: { summary: 'a labeler against a coder or the final codes', load: async () => {
    const m = await import('./label')
    return { run: m.evaluateCommand, help: m.evaluateHelp }
  } },
  export: { summary: 'every label with its source, as CSV or JSON; a whole project as one file', load: async () => {
    const m = await import('./export')
    return { run: m.exportCommand, help: m.exportHelp }
  } },
  round: { summary: 'coding rounds', load: async () => {
    const m = await import('./round')
    return { run: m.roundCommand, help: m.roundHelp }
  } },
  analyze: { summary: 'synchronization pattern per family', load: async () => {
    const m = await import('./analyze')
    return { run: m.analyzeCommand, help: m.analyzeHelp }
  } },
  report: { summary: 'every table, an HTML report and the replication bundle', load: async () => {
    const m = await import('./analyze')
    return { run: m.reportCommand, help: m.reportHelp }
  } },
  exclude: { summary: 'leave a family or repository out of analyses, with a reason', load: async () => {
    const m = await import('./exclude')
    return { run: m.excludeCommand, help: m.excludeHelp }
  } },
  include: { summary: 'take an excluded family or repository back', load: async () => {
    const m = await import('./exclude')
    return { run: m.includeCommand, help: m.includeHelp }
  } },
  window: { summary: "a repository's observation end date", load: async () => {
    const m = await import('./exclude')
    return { run: m.windowCommand, help: m.windowHelp }
  } },
}

const usage = `Usage: concord <command> [flags]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(10)}${c.summary}`)
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
  return runCommand(async () => (await command.load()).run(args))
}

// A closed pipe (`concord export labels | head`) is a normal end, not a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw error
})

process.exitCode = await main(process.argv.slice(2))
