import { InvalidArgumentError } from 'commander'
import { UsageError } from '../errors'
import {
  DEFAULT_BATCH_SIZE,
  MAX_CONCURRENCY,
  nonNegativeInteger,
  nonNegativeNumber,
  positiveInteger,
  validateCheckAuthOptions,
  validateSendOptions
} from '../options'
import { DEFAULT_RETRY_POLICY } from '../retry'

describe('validateSendOptions', () => {
  it('fills in the defaults: the presets, batches of 1,000, the adaptive pace up to 64 in flight, the default retries', async () => {
    const valid = await validateSendOptions({ inputs: ['-'] })
    expect(valid).toMatchObject({
      batchSize: DEFAULT_BATCH_SIZE,
      maxConcurrency: MAX_CONCURRENCY,
      policy: DEFAULT_RETRY_POLICY
    })
    expect(valid.concurrency).toBeUndefined()
    expect(valid.subscriptions.length).toBeGreaterThan(1)
    expect(valid.defaultPhoneCountry).toBeUndefined()
  })

  it('paces adaptively up to --max-concurrency, or keeps --concurrency N fixed', async () => {
    const pace = async (options: { concurrency?: number; maxConcurrency?: number }) => {
      const { concurrency, maxConcurrency } = await validateSendOptions({ inputs: ['-'], ...options })
      return { concurrency, maxConcurrency }
    }
    expect(await pace({ maxConcurrency: 16 })).toEqual({ concurrency: undefined, maxConcurrency: 16 })
    expect(await pace({ concurrency: 8 })).toEqual({ concurrency: 8, maxConcurrency: 8 })
  })

  it.each([
    [{ batchSize: 0 }, 'batch size: must be a whole number from 1 to 10000'],
    [{ maxConcurrency: 65 }, 'max concurrency: must be a whole number from 1 to 64'],
    [{ concurrency: 2, maxConcurrency: 8 }, '--max-concurrency bounds the adaptive pace'],
    [{ concurrency: 65 }, 'concurrency: must be a whole number from 1 to 64'],
    [{ retry: { maxRetries: 101 } }, 'max retries: must be a whole number from 0 to 100'],
    [{ defaultPhoneCountry: 'XX' }, 'default phone country: "XX" is not an ISO 3166 alpha-2 country code, such as US'],
    [{ subscribe: 'type = "track"' }, '--subscribe needs --action and --mapping'],
    [{ report: 'a.ndjson', resume: ['a.ndjson'] }, '--report a.ndjson is also a --resume report']
  ])('refuses %p', async (options, message) => {
    const validating = validateSendOptions({ inputs: ['-'], ...options })
    await expect(validating).rejects.toThrow(UsageError)
    await expect(validating).rejects.toThrow(message)
  })
})

describe('validateCheckAuthOptions', () => {
  it('needs both credentials, unless a sandbox has its own', () => {
    expect(() => validateCheckAuthOptions({ accessToken: 't' })).toThrow(UsageError)
    expect(() => validateCheckAuthOptions({ accessToken: 't', eventSetId: 'e' })).not.toThrow()
    expect(() => validateCheckAuthOptions({ sandboxUrl: 'http://127.0.0.1:1' })).not.toThrow()
  })
})

describe('the command line text parsers', () => {
  it('turn text into numbers, or say what they take', () => {
    expect([positiveInteger('3'), nonNegativeInteger('0'), nonNegativeNumber('0.5')]).toEqual([3, 0, 0.5])
    expect(() => positiveInteger('0')).toThrow(new InvalidArgumentError('must be a whole number ≥ 1'))
    expect(() => nonNegativeInteger('')).toThrow(new InvalidArgumentError('must be a whole number ≥ 0'))
    expect(() => nonNegativeNumber('-1')).toThrow(new InvalidArgumentError('must be a number ≥ 0'))
  })
})
