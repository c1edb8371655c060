/**
 * @module The client's URLs, built in one place.
 */

export function projectPath(project: string, rest = ''): string {
  return `/p/${encodeURIComponent(project)}${rest}`
}

export function commitHref(project: string, id: number): string {
  return projectPath(project, `/commits/${id}`)
}
