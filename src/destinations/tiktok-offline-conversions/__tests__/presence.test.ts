import { hasKeys, isPresent } from '../presence'

/** TikTok's body never carries null, "" or {}: what `isPresent` keeps and leaves out. */
describe('isPresent', () => {
  test.each([
    ['text', 'a'],
    ['padded text', ' a '],
    ['zero', 0],
    ['false', false],
    ['a list', ['x']],
    ['an object', { key: 'value' }],
    ['an object whose key holds undefined', { key: undefined }]
  ])('keeps %s', (_, value) => {
    expect(isPresent(value)).toBe(true)
  })

  test.each([
    ['undefined', undefined],
    ['null', null],
    ['empty text', ''],
    ['blank text', ' \t\n'],
    ['an empty list', []],
    ['an empty object', {}]
  ])('leaves out %s', (_, value) => {
    expect(isPresent(value)).toBe(false)
  })
})

describe('hasKeys', () => {
  test('an object with a key of its own has keys, even one holding undefined', () => {
    expect(hasKeys({ a: 1 })).toBe(true)
    expect(hasKeys({ a: undefined })).toBe(true)
  })

  test('an empty object, or one whose keys are all inherited, has none', () => {
    expect(hasKeys({})).toBe(false)
    expect(hasKeys(Object.create({ inherited: 1 }) as object)).toBe(false)
  })
})
