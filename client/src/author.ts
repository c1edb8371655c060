/**
 * @module Who codebook changes are recorded as: a name the person types once, kept in this
 * browser (until sign-in provides it).
 */
import { createSignal } from 'solid-js'

const key = 'concord.author'

function stored(): string {
  try {
    return localStorage.getItem(key) ?? ''
  } catch {
    return '' // storage disabled: ask again each visit
  }
}

const [author, setAuthorSignal] = createSignal(stored())

/** The name, or undefined when none was given (the change is then recorded without a person). */
export function currentAuthor(): string | undefined {
  return author().trim() || undefined
}

export { author }

export function setAuthor(name: string): void {
  setAuthorSignal(name)
  try {
    localStorage.setItem(key, name.trim())
  } catch {
    // not persisted; the signal still holds it for this page
  }
}
