import { describe as kindOf, isObject } from '../values'

describe('isObject', () => {
  it('is true for a JSON object only', () => {
    expect(isObject({})).toBe(true)
    expect(isObject({ a: 1 })).toBe(true)
    expect([null, [], 'x', 1, true, undefined].map(isObject)).toEqual([false, false, false, false, false, false])
  })
})

describe('describe', () => {
  it('names the kind of a value, never the value', () => {
    expect([null, [1], 'secret@example.com', 5, false, {}].map(kindOf)).toEqual([
      'null',
      'an array',
      'a string',
      'a number',
      'a boolean',
      'a object'
    ])
  })
})
