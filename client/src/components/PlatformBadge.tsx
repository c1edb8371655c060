import type { Platform } from '../api'
import { platformNames } from '../format'

/** "GitHub" / "Hugging Face" as a small coloured badge. */
export function PlatformBadge(props: { platform: Platform }) {
  return (
    <span class="badge" classList={{ 'badge-github': props.platform === 'github', 'badge-hf': props.platform === 'huggingface' }}>
      {platformNames[props.platform]}
    </span>
  )
}
