import { compact } from '../compact'

/** TikTok's body never carries null, "" or {}: what `compact` keeps and leaves out. */
describe('compact', () => {
  test('keeps values worth sending, in their order, as they are', () => {
    const kept = {
      text: 'a',
      padded: ' a ',
      zero: 0,
      no: false,
      list: ['x'],
      object: { key: 'value' },
      objectOfUndefined: { key: undefined }
    }
    expect(compact(kept)).toEqual(kept)
    expect(Object.keys(compact(kept) ?? {})).toEqual(Object.keys(kept))
  })

  test('leaves out undefined, null, empty and blank text, empty lists and empty objects', () => {
    expect(
      compact({
        undefinedValue: undefined,
        nullValue: null,
        empty: '',
        blank: ' \t\n',
        emptyList: [],
        emptyObject: {},
        kept: 'k'
      })
    ).toStrictEqual({ kept: 'k' })
  })

  test('is undefined when nothing is left, so the key is not sent at all', () => {
    expect(compact({})).toBeUndefined()
    expect(compact({ a: undefined, b: null, c: '', d: [], e: {} })).toBeUndefined()
  })

  test('does not change the object it is given', () => {
    const object = { a: 'a', b: '' }
    compact(object)
    expect(object).toEqual({ a: 'a', b: '' })
  })
})
