#!/usr/bin/env node
// Checks the monorepo's tools do not: a destination folder must stand on its own.
//   errors:   a relative import/require/jest.mock that leaves the folder, except the one
//             the monorepo's destinations share: Segment's hashing module, a relative
//             specifier that resolves to packages/destination-actions/src/lib/hashing-utils
//             (from the folder's root '../../lib/hashing-utils', from a subfolder
//             '../../../lib/hashing-utils'; no extension, no '/index', no absolute path);
//             process.env read outside __tests__ (no destination reads it).
//   warnings: a package the folder imports that packages/destination-actions does
//             not declare (the PR must add it to that package.json).
// Usage: node boundaries.js <folder>   (exit 1 on errors)
'use strict'
const fs = require('fs')
const path = require('path')
const { builtinModules } = require('module')
const ts = require('typescript')

// segmentio/action-destinations: packages/destination-actions/package.json (main),
// dependencies and devDependencies, plus the workspace packages its jest/tsconfig map.
const DECLARED = new Set([
  '@amplitude/ua-parser-js', '@aws-sdk/client-eventbridge', '@aws-sdk/client-s3', '@bufbuild/protobuf',
  '@segment/a1-notation', '@segment/actions-core', '@segment/actions-shared', '@types/node', 'ajv-formats',
  'aws4', 'cheerio', 'dayjs', 'escape-goat', 'google-libphonenumber', 'kafkajs', 'liquidjs', 'lodash',
  'lru-cache', 'ssh2-sftp-client', '@bufbuild/buf', '@bufbuild/protoc-gen-es', '@types/google-libphonenumber',
  '@types/jest', '@types/ssh2-sftp-client', 'jest', 'nock',
  '@segment/ajv-human-errors', '@segment/destination-subscriptions'
])
const BUILTIN = new Set(builtinModules)
const JEST_MODULE_FNS = new Set([
  'mock', 'doMock', 'unmock', 'dontMock', 'requireActual', 'requireMock', 'createMockFromModule', 'genMockFromModule', 'setMock'
])

const folder = path.resolve(process.argv[2] || '.')
// The folder is <packages/destination-actions>/src/destinations/<slug>; the shared module
// is <packages/destination-actions>/src/lib/hashing-utils. (A folder laid out otherwise
// may import nothing from outside itself.)
const destinations = path.dirname(folder)
const SHARED_MODULES =
  path.basename(destinations) === 'destinations' && path.basename(path.dirname(destinations)) === 'src'
    ? new Set([path.join(path.dirname(destinations), 'lib', 'hashing-utils')])
    : new Set()
const errors = []
const warnings = []

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : walk(p)
    return /\.(ts|tsx|js|mjs|cjs)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : []
  })
}

function packageName(spec) {
  const parts = spec.replace(/^node:/, '').split('/')
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

for (const file of walk(folder).sort()) {
  const rel = path.relative(folder, file)
  const inTests = rel.split(path.sep).includes('__tests__')
  const text = fs.readFileSync(file, 'utf8')
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const at = (node) => {
    const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf))
    return `${rel}:${line + 1}:${character + 1}`
  }
  const checkSpecifier = (node, spec) => {
    if (spec.startsWith('.') || spec.startsWith('/')) {
      const target = path.resolve(path.dirname(file), spec)
      const shared = spec.startsWith('.') && SHARED_MODULES.has(target) && !spec.endsWith('/')
      if (target !== folder && !target.startsWith(folder + path.sep) && !shared) {
        errors.push(`${at(node)}  relative import leaves the destination folder: '${spec}'`)
      }
    } else if (!spec.startsWith('node:') && !BUILTIN.has(spec)) {
      const name = packageName(spec)
      if (!DECLARED.has(name)) {
        warnings.push(`${at(node)}  '${name}' is not a dependency of packages/destination-actions (add it there)`)
      }
    }
  }
  const isProcess = (expr) =>
    (ts.isIdentifier(expr) && expr.text === 'process') ||
    (ts.isPropertyAccessExpression(expr) && expr.name.text === 'process')
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      checkSpecifier(node.moduleSpecifier, node.moduleSpecifier.text)
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const e = node.moduleReference.expression
      if (ts.isStringLiteral(e)) checkSpecifier(e, e.text)
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0])) {
      const callee = node.expression
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require'
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword
      const isRequireResolve =
        ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'require'
      const isJest =
        ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) &&
        callee.expression.text === 'jest' && JEST_MODULE_FNS.has(callee.name.text)
      if (isRequire || isImport || isRequireResolve || isJest) checkSpecifier(node.arguments[0], node.arguments[0].text)
    }
    if (!inTests) {
      if (ts.isPropertyAccessExpression(node) && node.name.text === 'env' && isProcess(node.expression)) {
        errors.push(`${at(node)}  reads process.env outside __tests__ (no destination reads the environment)`)
      } else if (ts.isElementAccessExpression(node) && isProcess(node.expression) &&
        ts.isStringLiteralLike(node.argumentExpression) && node.argumentExpression.text === 'env') {
        errors.push(`${at(node)}  reads process['env'] outside __tests__ (no destination reads the environment)`)
      } else if (ts.isVariableDeclaration(node) && node.initializer && isProcess(node.initializer) &&
        ts.isObjectBindingPattern(node.name) &&
        node.name.elements.some((el) => ((el.propertyName || el.name).getText(sf)) === 'env')) {
        errors.push(`${at(node)}  destructures env from process outside __tests__ (no destination reads the environment)`)
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
}

for (const w of warnings) console.log(`warning  ${w}`)
for (const e of errors) console.log(`error    ${e}`)
console.log(`boundaries: ${errors.length} error(s), ${warnings.length} warning(s)`)
process.exit(errors.length > 0 ? 1 : 0)
