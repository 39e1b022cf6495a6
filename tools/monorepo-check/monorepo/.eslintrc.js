// The configuration eslint reads in the harness: the monorepo's (.eslintrc.monorepo.js)
// plus one stricter check of the harness's own. The monorepo's no-restricted-syntax
// rule only sees `import { createHash } from 'crypto'`; this project wants no
// createHash under any spelling, so unless MONOREPO_CHECK_CRYPTO_RULE=monorepo the
// rule (for the destination's files) also catches 'node:crypto', require(),
// re-exports and `<anything>.createHash`. Those extra hits are tagged
// "[harness, stricter than the monorepo]" so they can be told apart.
const config = require('./.eslintrc.monorepo.js')

if (process.env.MONOREPO_CHECK_CRYPTO_RULE !== 'monorepo') {
  const monorepoOverride = config.overrides.find((o) => o.files.includes('packages/destination-actions/**/*.ts'))
  const [level, ...monorepoSelectors] = monorepoOverride.rules['no-restricted-syntax']
  const stricter = '[harness, stricter than the monorepo] no createHash from crypto under any spelling: '
  config.overrides.push({
    files: ['packages/destination-actions/**/*.ts'],
    rules: {
      // An override replaces the rule's options: the monorepo's selector is kept first.
      'no-restricted-syntax': [
        level,
        ...monorepoSelectors,
        {
          selector: "ImportDeclaration[source.value='node:crypto'] ImportSpecifier[imported.name='createHash']",
          message: stricter + "import { createHash } from 'node:crypto'"
        },
        {
          selector:
            "ExportNamedDeclaration[source.value=/^(node:)?crypto$/] ExportSpecifier[local.name='createHash']",
          message: stricter + 're-export of createHash'
        },
        {
          selector:
            "VariableDeclarator[init.callee.name='require'][init.arguments.0.value=/^(node:)?crypto$/] Property[key.name='createHash']",
          message: stricter + "const { createHash } = require('crypto')"
        },
        {
          selector: "MemberExpression[property.name='createHash']",
          message: stricter + '<module>.createHash (namespace, default or require import)'
        }
      ]
    }
  })
}

module.exports = config
