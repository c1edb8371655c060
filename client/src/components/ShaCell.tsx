import { Show } from 'solid-js'
import { derivedShaNote, shortSha } from '../format'

/** A 7-character sha in monospace; derived shas carry a "derived" marker explaining why. */
export function ShortSha(props: { sha: string; derived: boolean }) {
  return (
    <span class="sha-cell">
      <code class="sha" classList={{ 'sha-derived': props.derived }} title={props.sha}>
        {shortSha(props.sha)}
      </code>
      <Show when={props.derived}>
        <span class="tag tag-derived" title={derivedShaNote}>
          derived
        </span>
      </Show>
    </span>
  )
}
