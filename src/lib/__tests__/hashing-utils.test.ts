import {
  DigestTypes,
  EmptyValueError,
  EncryptionMethods,
  hashConfigs,
  isAlreadyHashed,
  processHashing
} from '../hashing-utils'
import type { DigestType, EncryptionMethod } from '../hashing-utils'

// Every digest below was computed outside this code, with coreutils and OpenSSL:
//   hex:    printf '%s' '<value>' | <method>sum                                (md5sum, sha1sum, … sha512sum)
//   base64: printf '%s' '<value>' | openssl dgst -<method> -binary | base64 -w0

/** printf '%s' 'abc' | <method>sum, and | openssl dgst -<method> -binary | base64 -w0 */
const ABC: Record<EncryptionMethod, Record<DigestType, string>> = {
  md5: { hex: '900150983cd24fb0d6963f7d28e17f72', base64: 'kAFQmDzST7DWlj99KOF/cg==' },
  sha1: { hex: 'a9993e364706816aba3e25717850c26c9cd0d89d', base64: 'qZk+NkcGgWq6PiVxeFDCbJzQ2J0=' },
  sha224: {
    hex: '23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7',
    base64: 'Iwl9IjQF2CKGQqR3vaJVsyqtvOS9oLP342ydpw=='
  },
  sha256: {
    hex: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    base64: 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='
  },
  sha384: {
    hex: 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
    base64: 'ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn'
  },
  sha512: {
    hex: 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    base64: '3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw=='
  }
}

const SHA256_ABC = ABC.sha256.hex

/** printf '%s' '<value>' | sha256sum */
const SHA256 = {
  'jane.doe@example.com': '86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d',
  'Jane.Doe@Example.COM': '3f6be184cde17ee09fb3a0575c40f9f270c0bd4c1c7f5e76ba38ffa43ee3efa7',
  'user-123': 'fcdec6df4d44dbc637c7c5b58efface52a7f8a88535423430255be0bb89bedd8',
  ' user-123 ': '204e812fc0aad73ae6fcd96d38b337e995fa5b94e54626b8006598def34bed35',
  é: '4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c',
  '😀': 'f0443a342c5ef54783a111b51ba56c938e474c32324d90c3a60c9c8e3a37e2d9',
  日本語: '77710aedc74ecfa33685e33a6c7df5cc83004da1bdcef7fb280f5c2b2e97e0a5',
  /** the first 63 characters of SHA256_ABC */
  short: '6503ba407b62a5e058283e43562529219c8d93554ea4f0ccae1ee17e745540a3',
  /** SHA256_ABC followed by '0' (65 characters) */
  long: '5bbbe58f47e8c1bb29ebfd67f071394ce53b344af1ac45a1d2a72864509adbf4',
  /** the first 63 characters of SHA256_ABC followed by 'g' */
  notHex: '36229e8f8d89c993136ca5eb18948c31fbba0d08ee79451a5d8941289bfe5d5e',
  /** SHA256_ABC itself, as text */
  ofSha256Abc: 'dfe7a23fefeea519e9bbfdd1a6be94c4b2e4529dd6b7cbea83f9959c2621b13c',
  /** ABC.md5.hex, as text */
  ofMd5Abc: '2c89b7e560fb8c30d1c61408e91e4a84934ff0d24e68e51a6fdb744a1bb717fe',
  /** ABC.sha256.base64, as text */
  ofSha256AbcBase64: 'b8a35b045c350214afc8e03d5e3f1824d98046564153dc5a3c7046adfed845a5'
}

const METHODS_AND_DIGESTS = EncryptionMethods.flatMap((method) =>
  DigestTypes.map((digest) => [method, digest] as const)
)

const trimLowercase = (value: string): string => value.trim().toLowerCase()

describe('the exported lists and lengths', () => {
  test("Segment's methods and digest types, in its order", () => {
    expect(EncryptionMethods).toEqual(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'])
    expect(DigestTypes).toEqual(['hex', 'base64'])
  })

  test('each method: the length of its digest in hex and in base64 (the digests of abc above)', () => {
    expect(hashConfigs).toEqual({
      md5: { lengthHex: 32, lengthBase64: 24 },
      sha1: { lengthHex: 40, lengthBase64: 28 },
      sha224: { lengthHex: 56, lengthBase64: 40 },
      sha256: { lengthHex: 64, lengthBase64: 44 },
      sha384: { lengthHex: 96, lengthBase64: 64 },
      sha512: { lengthHex: 128, lengthBase64: 88 }
    })
    for (const [method, digest] of METHODS_AND_DIGESTS) {
      const { lengthHex, lengthBase64 } = hashConfigs[method]
      expect(ABC[method][digest]).toHaveLength(digest === 'hex' ? lengthHex : lengthBase64)
    }
  })
})

describe('processHashing', () => {
  test.each(METHODS_AND_DIGESTS)('%s, %s: the digest of the value', (method, digest) => {
    expect(processHashing('abc', method, digest)).toBe(ABC[method][digest])
    expect(processHashing(' ABC ', method, digest, trimLowercase)).toBe(ABC[method][digest])
  })

  test.each(METHODS_AND_DIGESTS)('%s, %s: a blank value is empty, and is not cleaned', (method, digest) => {
    const clean = jest.fn(trimLowercase)
    for (const blank of ['', ' ', '\t\n ', '\u00a0']) expect(processHashing(blank, method, digest, clean)).toBe('')
    expect(clean).not.toHaveBeenCalled()
  })

  test.each(METHODS_AND_DIGESTS)(
    '%s, %s: a digest of that method and type is returned unchanged, and is not cleaned',
    (method, digest) => {
      const clean = jest.fn(trimLowercase)
      const hashed = ABC[method][digest]
      expect(processHashing(hashed, method, digest, clean)).toBe(hashed)
      if (digest === 'hex')
        expect(processHashing(hashed.toUpperCase(), method, digest, clean)).toBe(hashed.toUpperCase())
      expect(clean).not.toHaveBeenCalled()
    }
  )

  test('a SHA-256 hex digest in upper or mixed case is returned as it is, not lowercased', () => {
    const upper = SHA256_ABC.toUpperCase()
    const mixed = SHA256_ABC.slice(0, 32).toUpperCase() + SHA256_ABC.slice(32)
    expect(processHashing(upper, 'sha256', 'hex', trimLowercase)).toBe(upper)
    expect(processHashing(mixed, 'sha256', 'hex')).toBe(mixed)
  })

  test('one hex character short or long of a digest, or one character not hex: hashed', () => {
    expect(processHashing(SHA256_ABC.slice(0, 63), 'sha256', 'hex')).toBe(SHA256.short)
    expect(processHashing(`${SHA256_ABC}0`, 'sha256', 'hex')).toBe(SHA256.long)
    expect(processHashing(`${SHA256_ABC.slice(0, 63)}g`, 'sha256', 'hex')).toBe(SHA256.notHex)
  })

  test("another method's or type's digest is hashed", () => {
    expect(processHashing(ABC.md5.hex, 'sha256', 'hex')).toBe(SHA256.ofMd5Abc)
    expect(processHashing(ABC.sha256.base64, 'sha256', 'hex')).toBe(SHA256.ofSha256AbcBase64)
    expect(isAlreadyHashed(ABC.sha256.hex, 'sha256', 'base64')).toBe(false)
  })

  test('the already-hashed check comes before cleaning: a digest with spaces around it is cleaned, then hashed', () => {
    expect(processHashing(` ${SHA256_ABC} `, 'sha256', 'hex', trimLowercase)).toBe(SHA256.ofSha256Abc)
  })

  test('text is hashed as UTF-8, as it is when there is no cleaning function', () => {
    expect(processHashing('é', 'sha256', 'hex')).toBe(SHA256['é'])
    expect(processHashing('😀', 'sha256', 'hex')).toBe(SHA256['😀'])
    expect(processHashing('日本語', 'sha256', 'hex')).toBe(SHA256['日本語'])
    expect(processHashing(' user-123 ', 'sha256', 'hex')).toBe(SHA256[' user-123 '])
    expect(processHashing('Jane.Doe@Example.COM', 'sha256', 'hex')).toBe(SHA256['Jane.Doe@Example.COM'])
  })

  test('the cleaning function is applied before hashing', () => {
    expect(processHashing(' user-123 ', 'sha256', 'hex', (value) => value.trim())).toBe(SHA256['user-123'])
    expect(processHashing(' Jane.Doe@Example.COM\n', 'sha256', 'hex', trimLowercase)).toBe(
      SHA256['jane.doe@example.com']
    )
  })

  test('a cleaning function that leaves a blank string: EmptyValueError', () => {
    const thrown = (clean: (value: string) => string): unknown => {
      try {
        processHashing('not blank', 'sha256', 'hex', clean)
      } catch (error) {
        return error
      }
      throw new Error('processHashing did not throw')
    }
    for (const clean of [() => '', () => '  ', (value: string) => value.replace(/\S/g, '')]) {
      const error = thrown(clean)
      expect(error).toBeInstanceOf(EmptyValueError)
      expect(error).toBeInstanceOf(Error)
      expect(error).toMatchObject({ name: 'EmptyValueError', message: 'Cannot hash an empty string' })
    }
  })

  test('base64: any value of the length and shape of a base64 digest counts as one', () => {
    // 44 characters: padded with one `=`, with none, with two; each passes unchanged.
    for (const shaped of ['ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=', 'a'.repeat(44), `${'a'.repeat(42)}==`])
      expect(processHashing(shaped, 'sha256', 'base64')).toBe(shaped)
    // Wrong length, `=` inside, a character outside base64: hashed.
    for (const unshaped of [
      'a'.repeat(43),
      'a'.repeat(45),
      `${'a'.repeat(20)}=${'a'.repeat(23)}`,
      `${'a'.repeat(43)}-`
    ]) {
      expect(isAlreadyHashed(unshaped, 'sha256', 'base64')).toBe(false)
      expect(processHashing(unshaped, 'sha256', 'base64')).toHaveLength(44)
    }
  })

  test('an encryption method or digest type outside the lists is refused, except for a blank value', () => {
    const method = 'sha3-256' as EncryptionMethod
    const digest = 'latin1' as DigestType
    expect(() => processHashing('abc', method, 'hex')).toThrow(new Error('Unsupported encryption method: sha3-256'))
    expect(() => processHashing('abc', 'sha256', digest)).toThrow(new Error('Unsupported digest type: latin1'))
    expect(() => isAlreadyHashed('abc', method, digest)).toThrow('Unsupported encryption method: sha3-256')
    expect(processHashing(' ', method, digest)).toBe('')
    expect(isAlreadyHashed('', method, digest)).toBe(false)
  })
})

describe('isAlreadyHashed', () => {
  test.each(METHODS_AND_DIGESTS)('%s, %s: its own digest, and no other', (method, digest) => {
    expect(isAlreadyHashed(ABC[method][digest], method, digest)).toBe(true)
    for (const other of EncryptionMethods.filter((m) => m !== method))
      expect(isAlreadyHashed(ABC[other][digest], method, digest)).toBe(false)
    expect(isAlreadyHashed('abc', method, digest)).toBe(false)
  })

  test('hex in either case; a blank value never', () => {
    expect(isAlreadyHashed(SHA256_ABC.toUpperCase(), 'sha256', 'hex')).toBe(true)
    expect(isAlreadyHashed(` ${SHA256_ABC}`, 'sha256', 'hex')).toBe(false)
    expect(isAlreadyHashed(`${SHA256_ABC}\n`, 'sha256', 'hex')).toBe(false)
    for (const blank of ['', ' ', '\n']) expect(isAlreadyHashed(blank, 'sha256', 'hex')).toBe(false)
  })
})
