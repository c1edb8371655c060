import { describe, expect, it } from 'vitest'
import { cohenKappa } from '../../../server/core/agreement'
import { evaluateLabeler } from '../../../server/core/evaluation'

const rate = (rater: string, codes: string[]) =>
  codes.map((c, i) => ({ unit: `u${i}`, rater, codes: [c] }))

describe('evaluateLabeler', () => {
  const truth = rate('coder1', ['a', 'a', 'a', 'b', 'b', 'c'])
  const guess = rate('rules', ['a', 'a', 'b', 'b', 'b', 'a'])

  it('computes accuracy, per-code precision / recall / F1 and macro-F1', () => {
    const e = evaluateLabeler([...truth, ...guess], 'rules', 'coder1')
    expect(e.n).toBe(6)
    expect(e.accuracy).toBeCloseTo(4 / 6, 10)
    const a = e.per_code.find((c) => c.code === 'a')!
    expect(a).toMatchObject({ support: 3, predicted: 3 })
    expect(a.precision).toBeCloseTo(2 / 3, 10)
    expect(a.recall).toBeCloseTo(2 / 3, 10)
    const b = e.per_code.find((c) => c.code === 'b')!
    expect(b.precision).toBeCloseTo(2 / 3, 10)
    expect(b.recall).toBe(1)
    expect(b.f1).toBeCloseTo(0.8, 10)
    const c = e.per_code.find((x) => x.code === 'c')!
    expect(c).toMatchObject({ support: 1, predicted: 0, precision: null, recall: 0, f1: 0 })
    expect(e.macro_f1).toBeCloseTo((2 / 3 + 0.8 + 0) / 3, 10)
  })

  it("uses the agreement module's Cohen's kappa and confusion matrix (rows: the reference)", () => {
    const e = evaluateLabeler([...truth, ...guess], 'rules', 'coder1')
    expect(e.cohen_kappa).toBeCloseTo(
      cohenKappa([...truth, ...guess], 'coder1', 'rules').value!,
      12,
    )
    expect(e.confusion.labels).toEqual(['a', 'b', 'c'])
    expect(e.confusion.matrix).toEqual([
      [2, 1, 0],
      [0, 2, 0],
      [1, 0, 0],
    ])
  })

  it('scores only the units both rated and says when there are none', () => {
    const partial = evaluateLabeler([...truth, ...rate('rules', ['a'])], 'rules', 'coder1')
    expect(partial).toMatchObject({ n: 1, reference_units: 6, labeler_units: 1, accuracy: 1 })
    const none = evaluateLabeler(truth, 'rules', 'coder1')
    expect(none.n).toBe(0)
    expect(none.accuracy).toBeNull()
    expect(none.notes[0]).toMatch(/no unit was rated by both/)
  })
})
