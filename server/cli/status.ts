/**
 * @module `concord status`: counts in the project.
 */
import { projectStatus } from '../services/status'
import { openSession, output, parseFlags } from './command'

export const statusHelp = `Usage: concord status [--project NAME] [--json]

Counts of families, repositories, commits, labels, final codes and coders in the project.`

export async function statusCommand(args: string[]): Promise<void> {
  const { values } = parseFlags(args, {})
  if (values.help) return void console.log(statusHelp)
  const session = await openSession(values.project)
  try {
    const status = await projectStatus(session.ctx, session.project.id)
    output(values.json, status, () =>
      [`project ${session.project.name}`, ...Object.entries(status).map(([k, v]) => `  ${k.replace('_', ' ')}: ${v}`)].join('\n'),
    )
  } finally {
    session.database.close()
  }
}
