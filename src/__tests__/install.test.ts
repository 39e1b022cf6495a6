import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { fieldsToJsonSchema, validateSchema } from '@segment/actions-core'
import definition from '../destinations/tiktok-offline-conversions'

/**
 * The two install traps measured on this machine (see shared/reference/segment-actions.md):
 * this project's install, so this test lives outside the destination's folder.
 */
describe('a fresh install gives a working runtime', () => {
  test('actions-core loads in a clean process (it requires liquidjs without declaring it)', () => {
    const root = path.resolve(__dirname, '../..')
    const output = execFileSync(process.execPath, ['-e', "require('@segment/actions-core'); console.log(require.resolve('liquidjs'))"], {
      cwd: root,
      encoding: 'utf8'
    })
    expect(output.trim()).toBe(path.join(root, 'node_modules', 'liquidjs', 'dist', 'liquid.node.js'))
  })

  test('payload validation works under a schema key holding the destination name with its space (fast-uri ≤ 3.1.5)', () => {
    const action = definition.actions.trackNonPaymentOfflineConversion
    const schema = fieldsToJsonSchema(action.fields)
    const schemaKey = `${definition.name}:${action.title}:install-check`
    expect(definition.name).toContain(' ')
    expect(validateSchema({ event: 'Contact', email_addresses: ['x'] }, schema, { schemaKey })).toBe(true)
    expect(() => validateSchema({ email_addresses: ['x'] }, schema, { schemaKey })).toThrow(
      "The root value is missing the required field 'event'."
    )
  })
})
