/**
 * @module A result table of the analysis (columns and rows as the server sends them), with its
 * description and a CSV link. Cells are text; numbers are right-aligned and rounded for reading
 * (the CSV keeps full precision).
 */
import { For, Show } from 'solid-js'
import type { AnalysisTable } from '../api'
import { formatCell } from '../../../server/core/tables'

export function DataTable(props: { table: AnalysisTable; csvHref?: string; caption?: boolean; limit?: number }) {
  const rows = () => (props.limit ? props.table.rows.slice(0, props.limit) : props.table.rows)
  return (
    <figure class="data-table" data-table={props.table.name}>
      <Show when={props.caption !== false}>
        <figcaption>
          <strong>{props.table.title}</strong>
          <Show when={props.csvHref}>
            {(href) => (
              <a class="csv-link" href={href()} download={`${props.table.name}.csv`}>
                {props.table.name}.csv
              </a>
            )}
          </Show>
          <span class="muted small">{props.table.description}</span>
        </figcaption>
      </Show>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <For each={props.table.columns}>{(c) => <th scope="col">{c}</th>}</For>
            </tr>
          </thead>
          <tbody>
            <For
              each={rows()}
              fallback={
                <tr>
                  <td class="muted" colSpan={props.table.columns.length}>
                    no rows
                  </td>
                </tr>
              }
            >
              {(row) => (
                <tr>
                  <For each={row}>{(cell) => <td classList={{ num: typeof cell === 'number' }}>{formatCell(cell)}</td>}</For>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
      <Show when={props.limit && props.table.rows.length > props.limit}>
        <p class="muted small">
          {props.limit} of {props.table.rows.length} rows shown; the CSV has them all.
        </p>
      </Show>
    </figure>
  )
}
