import { BoundedText } from '../bounded-text'

describe('BoundedText', () => {
  it('gathers pieces (whole or a range of a text) and starts again empty', () => {
    const text = new BoundedText(10)
    text.add('abc')
    text.add('xxdefxx', 2, 5)
    text.add('ignored', 3, 3)
    expect(text.take()).toBe('abcdef')
    expect(text.take()).toBe('')
  })

  it('past the limit keeps nothing and says so once, then gathers again', () => {
    const text = new BoundedText(5)
    text.add('abc')
    text.add('def')
    text.add('g')
    expect(text.take()).toBeUndefined()
    text.add('12345')
    expect(text.take()).toBe('12345')
  })
})
